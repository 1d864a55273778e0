import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { containerWorkflowId } from '../../../workflows';
import { pauseSignal, refreshNowSignal, resumeSignal } from '../../../contract/messages';
import { checkAlias, UsageError } from '../alias';
import { withTemporal } from './connect';
import { containersQuery, findContainers } from './containers-query';

/*
 * Signals carry no secret and change nothing that cannot be undone (refreshNow respects Exact's 570 s rule,
 * pause has resume), so they are safe to send to many containers at once.
 */

const SIGNALS = ['refreshNow', 'pause', 'resume'] as const;
type SignalName = (typeof SIGNALS)[number];

/** Signals in flight at once during a batch: enough for thousands of containers, gentle on the server. */
const BATCH_CONCURRENCY = 16;
/** Aliases a dry run names before it only counts. */
const NAMED_IN_DRY_RUN = 20;

function checkSignal(name: string, reason: string | undefined): SignalName {
  const found = SIGNALS.find((candidate) => candidate === name);
  if (!found) throw new UsageError(`the signal must be one of ${SIGNALS.join(', ')}; got "${name.slice(0, 40)}".`);
  if (reason !== undefined && found !== 'pause') throw new UsageError('--reason goes with pause only.');
  return found;
}

async function send(client: Client, workflowId: string, signal: SignalName, reason?: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  if (signal === 'pause') await handle.signal(pauseSignal, reason);
  else await handle.signal(signal === 'refreshNow' ? refreshNowSignal : resumeSignal);
}

const plural = (n: number): string => `${n} container${n === 1 ? '' : 's'}`;

async function batch(name: string, options: { query: string; yes?: boolean; reason?: string }): Promise<void> {
  const signal = checkSignal(name, options.reason);
  const query = containersQuery({ query: options.query });
  await withTemporal(async ({ client }) => {
    const rows = await findContainers(client, query);
    const aliases = rows.map((row) => row.alias);
    if (!options.yes) {
      const named = aliases.slice(0, NAMED_IN_DRY_RUN).join(', ');
      const more = aliases.length > NAMED_IN_DRY_RUN ? ', …' : '';
      console.log(
        `would send ${signal} to ${plural(aliases.length)}${aliases.length ? `: ${named}${more}` : ''}. ` +
          'Nothing was sent; run again with --yes to send.',
      );
      return;
    }
    const failed: string[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++]!;
        // A container that ended since the list was read is reported, not fatal to the rest.
        await send(client, row.workflowId, signal, options.reason).catch((error: unknown) =>
          failed.push(`${row.alias} (${error instanceof Error ? error.message : String(error)})`),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, rows.length) }, lane));
    console.log(`sent ${signal} to ${plural(rows.length - failed.length)}.`);
    if (failed.length > 0) {
      throw new Error(`${signal} did not reach ${plural(failed.length)}: ${failed.slice(0, 5).join('; ')}`);
    }
  });
}

function single(signal: SignalName, done: string) {
  return async (alias: string, options: { reason?: string }): Promise<void> => {
    checkAlias(alias);
    await withTemporal(({ client }) => send(client, containerWorkflowId(alias), signal, options.reason));
    console.log(`${alias}: ${signal} sent; ${done}`);
  };
}

export function registerSignals(program: Command): void {
  program
    .command('signal <signal>')
    .description('send refreshNow, pause or resume to every running container a visibility query matches')
    .requiredOption('--query <query>', 'visibility query, e.g. ChainStatus="retrying"')
    .option('--yes', 'really send; without it, only print what would be signalled')
    .option('--reason <reason>', 'why (pause only; kept in the audit journal)')
    .action(batch);
  program
    .command('refresh-now <alias>')
    .description("refresh the container's chain as soon as Exact's 570 s rule allows")
    .action(single('refreshNow', "the container refreshes as soon as Exact's 570 s rule allows."));
  program
    .command('pause <alias>')
    .description('stop refreshing until resume (the chain still expires after 30 days unused)')
    .option('--reason <reason>', 'why (kept in the audit journal)')
    .action(single('pause', 'it stops refreshing until `chainkeeper resume`.'));
  program
    .command('resume <alias>')
    .description('refresh again after pause')
    .action(single('resume', 'it refreshes on its schedule again.'));
}
