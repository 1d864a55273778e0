import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { containerWorkflowId } from '../../../workflows';
import { retryRecoveryUpdate, statusQuery, verifyCredentialsUpdate } from '../../../contract/messages';
import { checkAlias } from '../alias';
import { withTemporal } from './connect';
import { stepLabel, watchLogin } from './login-watch';

/**
 * Runs one recovery login now (`verifyCredentials`) and prints each step as it passes, then the new chain; on
 * failure the update's error names the step, the page's text and the screenshot.
 */
export async function verifyLogin(client: Client, alias: string, print = console.log): Promise<void> {
  const handle = client.workflow.getHandle(containerWorkflowId(alias));
  const before = await handle.query(statusQuery);
  print(`${alias}: logging in to Exact now with the stored credentials…`);
  const update = handle.executeUpdate(verifyCredentialsUpdate, { args: [] });
  const printed = await watchLogin(client, alias, (before.recoveries ?? 0) + 1, update, print);
  const receipt = await update;
  for (const step of receipt.steps.slice(printed.length)) print(`  ${stepLabel(step)} ✓`);
  print(`  → chain ${receipt.chain} (login ${(receipt.loginMs / 1000).toFixed(1)} s): the credentials work.`);
}

async function verifyCommand(alias: string): Promise<void> {
  checkAlias(alias);
  await withTemporal(({ client }) => verifyLogin(client, alias));
}

async function recoverCommand(alias: string): Promise<void> {
  checkAlias(alias);
  const answer = await withTemporal(({ client }) =>
    client.workflow.getHandle(containerWorkflowId(alias)).executeUpdate(retryRecoveryUpdate, { args: [] }),
  );
  console.log(`${alias}: ${answer}`);
}

export function registerRecover(program: Command, credentials: Command): void {
  program
    .command('recover <alias>')
    .description('lift the hold on credentials a failed login left suspect, for one more login (now if broken)')
    .action(recoverCommand);
  credentials
    .command('verify <alias>')
    .description(
      'log in once now with the stored credentials, printing each step; moves the container to the new chain',
    )
    .action(verifyCommand);
}
