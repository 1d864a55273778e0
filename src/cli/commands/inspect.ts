import type { Command } from 'commander';
import { getAccessToken, maxMinValidityS } from '../../consumers/access-token';
import { containerWorkflowId } from '../../../workflows';
import { statusQuery } from '../../../workflows/container/messages';
import { checkAlias } from '../alias';
import { withTemporal } from './connect';
import { secondsOption } from './option-values';
import { statusSummary } from './status-summary';

interface TokenOptions {
  json?: boolean;
  minValidity?: string;
  timeout: string;
}

/** Prints the token alone (for `$(chainkeeper token acme)`) or as JSON: the one place a secret is printed, by design. */
async function printToken(alias: string, options: TokenOptions): Promise<void> {
  checkAlias(alias);
  const minValidityS =
    options.minValidity === undefined
      ? 0
      : secondsOption(options.minValidity, '--min-validity', { min: 0, max: maxMinValidityS() });
  const timeoutMs = secondsOption(options.timeout, '--timeout', { min: 0 }) * 1000;
  const token = await withTemporal(({ client }) => getAccessToken(client, alias, { minValidityS, timeoutMs }));
  console.log(options.json ? JSON.stringify(token) : token.accessToken);
}

async function printStatus(alias: string, options: { json?: boolean }): Promise<void> {
  checkAlias(alias);
  const status = await withTemporal(({ client }) =>
    client.workflow.getHandle(containerWorkflowId(alias)).query(statusQuery),
  );
  console.log(options.json ? JSON.stringify(status, null, 2) : statusSummary(status));
}

export function registerInspect(program: Command): void {
  program
    .command('token <alias>')
    .description(
      "print the container's access token; waits (within Exact's rules) for a fresh one when --min-validity asks",
    )
    .option('--json', 'print JSON {accessToken, expiresAt, validForS}')
    .option('--min-validity <seconds>', `seconds the token must still be valid (0 to ${maxMinValidityS()})`)
    .option('--timeout <seconds>', 'give up after this many seconds of waiting', '60')
    .action(printToken);
  program
    .command('status <alias>')
    .description("print the container's status, timings, last error and counters (never a secret)")
    .option('--json', 'print the status query answer as JSON')
    .action(printStatus);
}
