import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli';
import { TOKEN_A, TOKEN_B } from './malformed-csv';

/** Nothing here reaches Temporal: the address points at a closed port, so a connection attempt would fail loudly. */
const OFFLINE = { TEMPORAL_ADDRESS: '127.0.0.1:9', TEMPORAL_TASK_QUEUE: 'nowhere' };

describe('chainkeeper enroll <file> before it talks to Temporal', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enroll-command-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports a file whose rows are all bad with their lines and exits with 1, without connecting', async () => {
    const file = join(dir, 'all-bad.csv');
    await writeFile(file, `alias,country,refreshToken\n,nl,${TOKEN_A}\nacme,xx,${TOKEN_B}\n`);
    const cli = await runCli(['enroll', file], { env: { ...OFFLINE, CHAINKEEPER_KEYS_DIR: join(dir, 'no-keys') } });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/│ 2\s+│\s+│ invalid: alias is missing/);
    expect(cli.stdout).toMatch(/│ 3\s+│ acme\s+│ invalid: unknown Exact Online country "xx"/);
    expect(cli.stdout + cli.stderr).not.toContain(TOKEN_A);
  });

  it('says a file cannot be read and exits with 1', async () => {
    const file = join(dir, 'unknown-column.csv');
    await writeFile(file, `alias,country,refreshToken,notes\nacme,nl,${TOKEN_A},x\n`);
    const cli = await runCli(['enroll', file], { env: OFFLINE });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/chainkeeper: line 1: the header row has unknown column\(s\) "notes"/);
  });

  it('refuses options that belong to one alias, and a .csv name that is no file, as usage errors', async () => {
    const file = join(dir, 'one.csv');
    await writeFile(file, `alias,country,refreshToken\nacme,nl,${TOKEN_A}\n`);
    const withCountry = await runCli(['enroll', file, '--country', 'nl'], { env: OFFLINE });
    expect(withCountry.code).toBe(2);
    expect(withCountry.stderr).toMatch(/--country cannot be used with a file: it gives them per row/);
    const missing = await runCli(['enroll', join(dir, 'missing.csv')], { env: OFFLINE });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file: .*missing\.csv/);
    const bulkOption = await runCli(['enroll', 'acme', '--code', 'x'.repeat(20), '--dry-run'], { env: OFFLINE });
    expect(bulkOption.code).toBe(2);
    expect(bulkOption.stderr).toMatch(/--dry-run can only be used with a \.csv or \.json file/);
  });
});
