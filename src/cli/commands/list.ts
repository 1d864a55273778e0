import Table from 'cli-table3';
import type { Command } from 'commander';
import { withTemporal } from './connect';
import { CHAIN_STATUSES, containersQuery, findContainers, type ContainerRow } from './containers-query';

interface ListOptions {
  status?: string;
  query?: string;
  json?: boolean;
}

function table(rows: ContainerRow[]): string {
  const out = new Table({
    head: ['alias', 'status', 'exact user', 'credentials expire', 'running since'],
    style: { head: [], border: [] },
    // No rule between rows: hundreds of containers should stay readable.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) {
    out.push([
      row.alias,
      row.status ?? '(starting)',
      row.exactUser ?? '—',
      row.credentialsExpireAt ?? '—',
      row.runningSince,
    ]);
  }
  return out.toString();
}

async function list(options: ListOptions): Promise<void> {
  const query = containersQuery(options);
  const rows = await withTemporal(({ client }) => findContainers(client, query));
  if (options.json) {
    console.log(JSON.stringify(rows, null, 2));
  } else if (rows.length === 0) {
    console.log('no running container matches.');
  } else {
    console.log(table(rows));
    console.log(`${rows.length} container${rows.length === 1 ? '' : 's'}`);
  }
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list running containers with their status, Exact user and credentials expiry')
    .option('--status <status>', `only containers in this status: ${CHAIN_STATUSES.join(', ')}`)
    .option(
      '--query <query>',
      'narrow further with a visibility query, e.g. CredentialsExpireAt < "2026-12-01T00:00:00Z"',
    )
    .option('--json', 'print JSON instead of a table')
    .action(list);
}
