import type { Command } from 'commander';
import { containerWorkflowId } from '../../../workflows';
import { accessTokenQuery, statusQuery } from '../../../workflows/container/messages';
import { checkAlias } from '../alias';
import { withClient } from '../context';

async function printToken(alias: string, options: { json?: boolean }): Promise<void> {
  const answer = await withClient(({ client }) =>
    client.workflow.getHandle(containerWorkflowId(checkAlias(alias))).query(accessTokenQuery),
  );
  if (options.json) {
    const validForS = Math.floor((Date.parse(answer.expiresAt) - Date.now()) / 1000);
    console.log(JSON.stringify({ ...answer, validForS }));
  } else {
    console.log(answer.accessToken);
  }
}

async function printStatus(alias: string): Promise<void> {
  const status = await withClient(({ client }) =>
    client.workflow.getHandle(containerWorkflowId(checkAlias(alias))).query(statusQuery),
  );
  console.log(JSON.stringify(status, null, 2));
}

export function registerInspect(program: Command): void {
  program
    .command('token <alias>')
    .description("print the container's current access token")
    .option('--json', 'print JSON with expiry and seconds of validity left')
    .action(printToken);
  program
    .command('status <alias>')
    .description("print the container's status as JSON (never a secret)")
    .action(printStatus);
}
