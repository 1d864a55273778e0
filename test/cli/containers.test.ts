import '../support/quiet-runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadOrgKeys } from '../../src/crypto/keys';
import { statusQuery } from '../../contract/messages';
import type { ContainerStatus } from '../../contract/container';
import { createDevServerHarness, type ContainerHandle, type DevServerHarness } from '../support/dev-server-harness';
import { runCli, type CliResult } from './run-cli';

const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-secret`;
const TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Names of the signals and accepted updates in a workflow's history: what actually reached the container. */
async function delivered(handle: ContainerHandle): Promise<{ signals: string[]; updates: string[] }> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  return {
    signals: events.flatMap((e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? []),
    updates: events.flatMap(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? [],
    ),
  };
}

function expectOneLineError(result: CliResult, exitCode: number, pattern: RegExp): void {
  expect(result.code).toBe(exitCode);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^chainkeeper: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

describe('chainkeeper against running containers', () => {
  let root: string;
  let harness: DevServerHarness;
  let alias: string;
  let handle: ContainerHandle;
  let env: Record<string, string>;
  const cli = (args: string[], input?: string): Promise<CliResult> => runCli(args, { env, input });
  const status = (): Promise<ContainerStatus> => handle.query(statusQuery);
  const ours = (): string => `TaskQueue = "${harness.taskQueue}"`;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainkeeper-cli-'));
    const keysDir = join(root, 'keys');
    expect((await runCli(['keys', 'init', '--dir', keysDir])).code).toBe(0);
    harness = await createDevServerHarness({ address: inject('temporalAddress'), keysDir });
    env = {
      TEMPORAL_ADDRESS: harness.address,
      TEMPORAL_TASK_QUEUE: harness.taskQueue,
      CHAINKEEPER_KEYS_DIR: keysDir,
    };
    alias = harness.uniqueAlias('acme');
    ({ handle } = await harness.enroll(alias));
  });

  afterAll(async () => {
    await harness?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('credentials set refuses a bad TOTP secret in one line, exit 1, and sends nothing', async () => {
    const input = JSON.stringify({ username: 'admin@acme.example', password: PASSWORD, totpSecret: '12345' });
    const result = await cli(['credentials', 'set', alias, '--stdin'], input);
    expectOneLineError(result, 1, /The TOTP secret is not base32.*Nothing was sealed or sent\./);
    expect(result.stderr).not.toContain(PASSWORD);
    expect((await delivered(handle)).updates).not.toContain('enrollCredentials');
    expect((await status()).credentials).toBeUndefined();
    expect(await harness.vault.getCredentials(alias, new Date())).toBeUndefined();
  });

  it('credentials set seals valid credentials to the org key; the container keeps them for 30 days', async () => {
    const input = JSON.stringify({ username: 'admin@acme.example', password: PASSWORD, totpSecret: TOTP_SECRET });
    const result = await cli(['credentials', 'set', alias, '--stdin'], input);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { keyId } = (await loadOrgKeys(env.CHAINKEEPER_KEYS_DIR!)).current;
    expect(result.stdout).toMatch(
      new RegExp(
        `^${alias}: credentials sealed to key ${keyId} and stored; they are deleted at \\S+Z \\(in 30 days\\)`,
      ),
    );
    expect(result.stdout).not.toContain(PASSWORD);
    expect(result.stdout).not.toContain(TOTP_SECRET);

    const credentials = (await status()).credentials;
    expect(credentials?.rejected).toBe(false);
    expect(Math.abs(Date.parse(credentials!.expiresAt) - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);
    expect(result.stdout).toContain(credentials!.expiresAt);
    const stored = await harness.vault.getCredentials(alias, new Date());
    expect(stored?.keyId).toBe(keyId);
    expect(stored?.sealedBox).not.toContain(PASSWORD);
  });

  it("token prints an access token that Exact's /Me accepts", async () => {
    const result = await cli(['token', alias]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const accessToken = result.stdout.trim();
    expect(accessToken).not.toBe('');
    const me = await fetch(`${harness.baseUrl}/api/v1/current/Me`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
    });
    expect(me.status).toBe(200);
  });

  it('token --min-validity 60 --json answers at once on a fresh container with the seconds left', async () => {
    const result = await cli(['token', alias, '--min-validity', '60', '--json']);
    expect(result.code).toBe(0);
    const token = JSON.parse(result.stdout) as { accessToken: string; expiresAt: string; validForS: number };
    expect(token.validForS).toBeGreaterThanOrEqual(60);
    expect(token.validForS).toBeLessThanOrEqual(600);
    expect(token.expiresAt).toBe((await status()).accessTokenExpiresAt);
  });

  it('token refuses a minimum validity no token can have, as a usage error', async () => {
    expectOneLineError(
      await cli(['token', alias, '--min-validity', '600']),
      2,
      /--min-validity must be .* from 0 to 570/,
    );
  });

  it('list --status healthy shows the container with its credentials expiry, as JSON and as a table', async () => {
    await harness.waitForVisibility(
      `${ours()} AND ChainStatus = "healthy" AND CredentialsExpireAt > "2000-01-01T00:00:00Z"`,
      1,
    );
    const json = await cli(['list', '--status', 'healthy', '--query', ours(), '--json']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as { alias: string; status: string; credentialsExpireAt?: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ alias, workflowId: `container/${alias}`, status: 'healthy' });
    const expiresAt = (await status()).credentials!.expiresAt;
    expect(Math.abs(Date.parse(rows[0]!.credentialsExpireAt!) - Date.parse(expiresAt))).toBeLessThan(1000);

    // The Exact user and division, from the container's memo (never a secret).
    const user = (await status()).exactUser!;
    expect(rows[0]).toMatchObject({ exactUser: `${user.userName}, division ${user.division}` });

    const table = await cli(['list', '--status', 'healthy', '--query', ours()]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `│ ${alias}\\s+│ healthy\\s+│ ${user.userName}, division ${user.division}\\s+│ ${rows[0]!.credentialsExpireAt}`,
      ),
    );
    expect(table.stdout).toMatch(/\n1 container\n$/);

    const none = await cli(['list', '--status', 'retrying', '--query', ours()]);
    expect(none.stdout).toBe('no running container matches.\n');
  });

  it('list refuses a status it does not know and names the six it does, exit 2', async () => {
    expectOneLineError(
      await cli(['list', '--status', 'broken']),
      2,
      /--status must be one of healthy, refreshing, retrying, recovering, needs-reauth, paused; got "broken"/,
    );
  });

  it('signal without --yes only says which containers it would signal', async () => {
    const result = await cli(['signal', '--query', ours(), 'refreshNow']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `would send refreshNow to 1 container: ${alias}. Nothing was sent; run again with --yes to send.\n`,
    );
    expect((await delivered(handle)).signals).toEqual([]);
  });

  it('signal --yes sends refreshNow to every running container the query matches and says how many', async () => {
    const result = await cli(['signal', '--query', ours(), 'refreshNow', '--yes']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('sent refreshNow to 1 container.\n');
    expect((await delivered(handle)).signals).toEqual(['refreshNow']);
  });

  it('signal refuses an unknown signal and a reason for anything but pause, exit 2', async () => {
    expectOneLineError(
      await cli(['signal', '--query', ours(), 'restart', '--yes']),
      2,
      /one of refreshNow, pause, resume/,
    );
    expectOneLineError(
      await cli(['signal', '--query', ours(), 'resume', '--reason', 'x', '--yes']),
      2,
      /--reason goes with pause only/,
    );
  });

  it('pause and resume one container by alias; list --status paused finds it meanwhile', async () => {
    const paused = await cli(['pause', alias, '--reason', 'moving the company']);
    expect(paused.stdout).toBe(`${alias}: pause sent; it stops refreshing until \`chainkeeper resume\`.\n`);
    expect((await status()).status).toBe('paused');
    await harness.waitForVisibility(`${ours()} AND ChainStatus = "paused"`, 1);
    const listed = JSON.parse((await cli(['list', '--status', 'paused', '--query', ours(), '--json'])).stdout) as {
      alias: string;
    }[];
    expect(listed.map((row) => row.alias)).toEqual([alias]);

    expect((await cli(['resume', alias])).code).toBe(0);
    expect((await status()).status).toBe('healthy');
  });

  it('status prints a readable summary, and the query answer with --json', async () => {
    const readable = await cli(['status', alias]);
    expect(readable.code).toBe(0);
    expect(readable.stdout).toMatch(new RegExp(`^${alias}: healthy\\n`));
    expect(readable.stdout).toMatch(/\n {2}credentials {2}stored until \S+Z \(in 30 days\)\n/);
    expect(readable.stdout).toMatch(/\n {2}access token valid until \S+Z \(in \d+ (s|min)\)\n/);
    const user = (await status()).exactUser!;
    expect(readable.stdout).toContain(`\n  exact user   ${user.userName}, division ${user.division}\n`);
    const json = JSON.parse((await cli(['status', alias, '--json'])).stdout) as ContainerStatus;
    expect(json).toMatchObject({ alias, status: 'healthy', chain: expect.any(Number) as number });
  });

  it('credentials forget deletes the stored credentials', async () => {
    const result = await cli(['credentials', 'forget', alias]);
    expect(result.stdout).toBe(
      `${alias}: credentials deleted; auto-recovery stays off until they are entered again.\n`,
    );
    expect((await status()).credentials).toBeUndefined();
    expect(await harness.vault.getCredentials(alias, new Date())).toBeUndefined();
  });

  it('answers an alias that runs no container in one line, exit 1', async () => {
    const missing = harness.uniqueAlias('nobody');
    expectOneLineError(await cli(['token', missing]), 1, new RegExp(`no container "${missing}" is running`));
    expectOneLineError(await cli(['refresh-now', missing]), 1, new RegExp(`no container "${missing}" is running`));
  });

  it('answers a malformed alias as a usage error, exit 2', async () => {
    expectOneLineError(await cli(['status', '../etc']), 2, /alias "..\/etc" is not valid/);
  });

  it('names the address when Temporal cannot be reached', async () => {
    const result = await runCli(['list'], { env: { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' } });
    expectOneLineError(result, 1, /cannot reach Temporal at 127\.0\.0\.1:1 .*TEMPORAL_ADDRESS/);
  });
});
