import '../support/quiet-runtime';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadKeyDirectory } from '../../src/crypto/key-directory';
import type { RowResult } from '../../src/enrollment/apply';
import { createTemporalContainerAdmin } from '../../src/enrollment/container-admin';
import type { RowProblem } from '../../src/enrollment/rows';
import type { SummaryOutcome } from '../../src/enrollment/summary';
import { containerWorkflowId } from '../../workflows';
import { renewAuthorizationUpdate } from '../../contract/messages';
import { runCli, type CliResult } from '../cli/run-cli';
import { createDevServerHarness, type DevServerHarness } from '../support/dev-server-harness';

const ROWS = 1000;
/** Every tenth row also carries login credentials, sealed by the CLI as it reads the file. */
const CREDENTIALS_EVERY = 10;

interface JsonReport {
  counts: Record<SummaryOutcome, number>;
  rows: RowResult[];
  problems: RowProblem[];
}

describe('bulk enrollment with the CLI against a real worker on the dev server', () => {
  let keysDir: string;
  let workDir: string;
  let harness: DevServerHarness;
  /** Every alias a file named, terminated at the end so no container keeps refreshing on the shared server. */
  const aliases: string[] = [];

  beforeAll(async () => {
    keysDir = await mkdtemp(join(tmpdir(), 'enroll-keys-'));
    workDir = await mkdtemp(join(tmpdir(), 'enroll-files-'));
    await loadKeyDirectory(keysDir, { createIfMissing: true });
    harness = await createDevServerHarness({ address: inject('temporalAddress'), keysDir });
  });

  afterAll(async () => {
    if (harness) {
      await terminateAll(harness, aliases);
      await harness.close();
    }
    await rm(keysDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  const chainkeeper = (args: string[]): Promise<CliResult> =>
    runCli(args, {
      env: {
        TEMPORAL_ADDRESS: harness.address,
        TEMPORAL_TASK_QUEUE: harness.taskQueue,
        CHAINKEEPER_KEYS_DIR: keysDir,
      },
    });

  const tokenCalls = (): number => harness.sim.control.counters().tokenCalls.length;

  async function report(args: string[]): Promise<{ cli: CliResult; json: JsonReport }> {
    const cli = await chainkeeper([...args, '--json']);
    try {
      return { cli, json: JSON.parse(cli.stdout) as JsonReport };
    } catch {
      throw new Error(`the CLI printed no JSON (exit ${cli.code}): ${cli.stderr}`);
    }
  }

  it('enrolls a 1,000-row CSV; a second run changes nothing and makes no token call', async () => {
    const lines = ['alias,baseUrl,code,username,password,totpSecret'];
    for (let index = 0; index < ROWS; index++) {
      const alias = harness.uniqueAlias(`bulk-${index}`);
      aliases.push(alias);
      const user = harness.newUser();
      const code = await harness.code(user);
      const credentials =
        index % CREDENTIALS_EVERY === 0 ? `${user.username},${user.password},${user.totpSecret}` : ',,';
      lines.push(`${alias},${harness.baseUrl},${code},${credentials}`);
    }
    const file = join(workDir, 'thousand.csv');
    await writeFile(file, `${lines.join('\r\n')}\r\n`);
    const admin = createTemporalContainerAdmin(harness.client, harness.taskQueue);

    const callsBefore = tokenCalls();
    const dryRun = await report(['enroll', file, '--dry-run']);
    expect(dryRun.cli.code).toBe(0);
    expect(dryRun.json.counts['would-enroll']).toBe(ROWS);
    expect(await admin.describe(aliases[0]!)).toBeUndefined();
    expect(tokenCalls()).toBe(callsBefore);

    const startedAt = performance.now();
    const first = await report(['enroll', file]);
    const seconds = (performance.now() - startedAt) / 1000;
    console.log(`bulk enrollment: ${ROWS} rows in ${seconds.toFixed(1)} s (CLI process, start to exit)`);
    expect(first.cli.code).toBe(0);
    expect(first.json.problems).toEqual([]);
    expect(first.json.counts).toMatchObject({ enrolled: ROWS, failed: 0 });
    expect(first.json.rows.filter((row) => row.steps.includes('credentials'))).toHaveLength(ROWS / CREDENTIALS_EVERY);
    expect(tokenCalls()).toBe(callsBefore + ROWS);
    expect(first.cli.stderr).toContain(`enrolling: ${ROWS}/${ROWS} rows`);

    // Every container is healthy on its first chain: none lost its renewal to its own start-up.
    await harness.waitForVisibility(`TaskQueue="${harness.taskQueue}" AND ChainStatus="healthy"`, ROWS);
    const withCredentials = await admin.describe(aliases[0]!);
    expect(withCredentials).toMatchObject({ status: 'healthy', chain: 1, credentials: { rejected: false } });
    expect((await admin.describe(aliases[1]!))?.credentials).toBeUndefined();

    const callsAfterFirstRun = tokenCalls();
    const second = await report(['enroll', file]);
    expect(second.cli.code).toBe(0);
    expect(second.json.counts).toMatchObject({ unchanged: ROWS, enrolled: 0, updated: 0, failed: 0 });
    expect(tokenCalls()).toBe(callsAfterFirstRun);
    expect((await admin.describe(aliases[0]!))?.chain).toBe(1);
  }, 600_000);

  it('reports every bad row with its line and reason, enrolls the good rows and exits with 1', async () => {
    const good = [harness.uniqueAlias('good-a'), harness.uniqueAlias('good-b')];
    const spent = harness.uniqueAlias('spent');
    aliases.push(...good, spent);
    const spentCode = await harness.code(harness.newUser());
    const other = harness.uniqueAlias('spends-the-code');
    aliases.push(other);
    const handle = await harness.client.workflow.start('dataContainer', {
      taskQueue: harness.taskQueue,
      workflowId: containerWorkflowId(other),
      args: [{ alias: other, exact: { baseUrl: harness.baseUrl, app: 'default' } }],
    });
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: spentCode }] });

    const lines = [
      'alias,country,baseUrl,code', // 1
      `${good[0]},,${harness.baseUrl},${await harness.code(harness.newUser())}`, // 2
      `,,${harness.baseUrl},${await harness.code(harness.newUser())}`, // 3 missing alias
      `${good[0]},,${harness.baseUrl},${await harness.code(harness.newUser())}`, // 4 duplicate alias
      `unknown-country,zz,,${await harness.code(harness.newUser())}`, // 5
      `${spent},,${harness.baseUrl},${spentCode}`, // 6 refused by Exact: the code was used
      `${good[1]},,${harness.baseUrl},${await harness.code(harness.newUser())}`, // 7
    ];
    const file = join(workDir, 'mixed.csv');
    await writeFile(file, `\uFEFF${lines.join('\r\n')}\r\n`);

    const cli = await chainkeeper(['enroll', file]);
    expect(cli.code).toBe(1);
    const problemLines = cli.stdout.split('\n').filter((line) => /^│ \d+ /.test(line));
    expect(problemLines.map((line) => Number(/^│ (\d+)/.exec(line)?.[1]))).toEqual([3, 4, 5, 6]);
    expect(cli.stdout).toMatch(/│ 3\s+│\s+│ invalid: alias is missing/);
    expect(cli.stdout).toMatch(/│ 4\s+│ good-a-\w+\s+│ invalid: alias good-a-\w+ is already on line 2/);
    expect(cli.stdout).toMatch(/│ 5\s+│ unknown-country\s+│ invalid: unknown Exact Online country "zz"/);
    expect(cli.stdout).toMatch(/│ 6\s+│ spent-\w+\s+│ failed: /);
    expect(cli.stdout).not.toContain(spentCode);
    expect(cli.stdout).toMatch(/enrolled\s+│\s+2/);

    const admin = createTemporalContainerAdmin(harness.client, harness.taskQueue);
    for (const alias of good) expect(await admin.describe(alias)).toMatchObject({ status: 'healthy', chain: 1 });
    expect(await admin.describe(spent)).toMatchObject({ status: 'needs-reauth' });
  }, 120_000);
});

/** Terminates the containers `aliases` name, 32 at a time; one that never started is fine. */
async function terminateAll(harness: DevServerHarness, aliases: readonly string[]): Promise<void> {
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < aliases.length) {
      const id = containerWorkflowId(aliases[next++]!);
      await harness.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 32 }, work));
}
