import '../support/quiet-runtime';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openRefreshToken } from '../../src/credentials/refresh-token';
import { loadOrgKeys, type OrgKeyRing } from '../../src/crypto/keys';
import { createTokenClient } from '../../src/exact';
import { statusQuery } from '../../contract/messages';
import { createDevServerHarness, type DevServerHarness } from '../support/dev-server-harness';
import { runCli, type CliResult } from './run-cli';

/** What a refresh token from Exact looks like (the simulator's are similar). */
const REFRESH_TOKEN = `stAA!IAAAA${'q'.repeat(40)}-hand-made`;

/** Every payload of a workflow's history, decoded with the harness's history key, as text. */
async function decodedHistory(harness: DevServerHarness, workflowId: string): Promise<string> {
  const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
  const [codec] = harness.client.options.loadedDataConverter.payloadCodecs;
  const payloads = (history.events ?? []).flatMap(
    (event) =>
      event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ??
      event.activityTaskScheduledEventAttributes?.input?.payloads ??
      event.activityTaskCompletedEventAttributes?.result?.payloads ??
      [],
  );
  const decoded = await codec!.decode(payloads);
  return decoded.map((payload) => Buffer.from(payload.data ?? []).toString('utf8')).join('\n');
}

describe('chainkeeper seal --refresh-token (no Temporal needed)', () => {
  let root: string;
  let ring: OrgKeyRing;
  let keysDir: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainkeeper-seal-token-'));
    keysDir = join(root, 'keys');
    expect((await runCli(['keys', 'init', '--dir', keysDir])).code).toBe(0);
    ring = await loadOrgKeys(keysDir);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('prints {"sealedRefreshToken","keyId"} for the Web UI, which only the organization key opens', async () => {
    const result = await runCli(['seal', '--refresh-token', '-'], {
      env: { CHAINKEEPER_KEYS_DIR: keysDir },
      input: `${REFRESH_TOKEN}\n`,
    });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { sealedRefreshToken: string; keyId: string };
    expect(Object.keys(printed)).toEqual(['sealedRefreshToken', 'keyId']);
    expect(printed.keyId).toBe(ring.current.keyId);
    expect(openRefreshToken(ring, printed)).toBe(REFRESH_TOKEN);
    expect(result.stdout + result.stderr).not.toContain(REFRESH_TOKEN);
    expect(result.stderr).toContain('renewAuthorization');
  });

  it('seals to a public key given on the command line, on a machine without key files', async () => {
    const file = join(root, 'token.txt');
    await writeFile(file, REFRESH_TOKEN, { mode: 0o600 });
    const publicKey = Buffer.from(ring.current.publicKey).toString('base64');
    const result = await runCli(['seal', '--refresh-token', `@${file}`, '--public-key', publicKey], {
      env: { CHAINKEEPER_KEYS_DIR: join(root, 'nothing') },
    });
    expect(result.code).toBe(0);
    expect(openRefreshToken(ring, JSON.parse(result.stdout) as { sealedRefreshToken: string; keyId: string })).toBe(
      REFRESH_TOKEN,
    );
  });

  it('refuses a token with white space in one line that never repeats it, and seals nothing', async () => {
    const broken = `${REFRESH_TOKEN.slice(0, 20)} ${REFRESH_TOKEN.slice(20)}`;
    const result = await runCli(['seal', '--refresh-token', '-'], {
      env: { CHAINKEEPER_KEYS_DIR: keysDir },
      input: broken,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^chainkeeper: the refresh token contains white space.*Nothing was sealed or sent\.\n$/,
    );
    expect(result.stderr).not.toContain(REFRESH_TOKEN.slice(20));
  });
});

describe('chainkeeper enroll --refresh-token and token, with split worker and consumer keys', () => {
  let root: string;
  let harness: DevServerHarness;
  let workerKeys: string;
  let env: Record<string, string>;
  const cli = (args: string[], extra: Record<string, string> = {}, input?: string): Promise<CliResult> =>
    runCli(args, { env: { ...env, ...extra }, input });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainkeeper-split-keys-'));
    workerKeys = join(root, 'worker');
    const init = await runCli(['keys', 'init', '--dir', workerKeys, '--consumer-dir', join(root, 'consumer')]);
    expect(init.code).toBe(0);
    harness = await createDevServerHarness({
      address: inject('temporalAddress'),
      keysDir: workerKeys,
      consumerKeyPath: join(root, 'consumer'),
    });
    env = { TEMPORAL_ADDRESS: harness.address, TEMPORAL_TASK_QUEUE: harness.taskQueue };
  });
  afterAll(async () => {
    await harness?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** A refresh token of a chain started outside chainkeeper, as an admin who obtained one by hand has it. */
  async function refreshTokenByHand(): Promise<string> {
    const outside = createTokenClient({ ...harness.app, baseUrl: harness.baseUrl });
    const pair = await outside.exchangeCode(await harness.code(harness.newUser()));
    if (pair.kind !== 'ok') throw new Error(`the simulator refused the code: ${pair.kind}`);
    return pair.value.refreshToken;
  }

  it('enroll seals the refresh token: the container starts its chain, and history holds only the box', async () => {
    const alias = harness.uniqueAlias('by-hand');
    const token = await refreshTokenByHand();
    const file = join(root, 'token.txt');
    await writeFile(file, token, { mode: 0o600 });
    const result = await cli(['enroll', alias, '--base-url', harness.baseUrl, '--refresh-token', `@${file}`], {
      CHAINKEEPER_KEYS_DIR: workerKeys,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^${alias}: refreshing, chain 1 generation 1\\n$`));
    const status = await harness.client.workflow.getHandle(`container/${alias}`).query(statusQuery);
    expect(status).toMatchObject({ chain: 1, generation: 1 });
    expect((await harness.vault.readChain(alias))?.refreshToken).toBe(token);

    const history = await decodedHistory(harness, `container/${alias}`);
    expect(history).toContain('"sealedRefreshToken"');
    expect(history).not.toContain(token);
  });

  it('token opens the sealed answer on a consumer host that holds only history keys and the consumer key', async () => {
    const alias = harness.uniqueAlias('consumed');
    await harness.enroll(alias);
    // A consumer host: the history keys to talk to Temporal, the consumer private key, no organization key.
    const host = join(root, 'host');
    await mkdir(join(host, 'keys'), { recursive: true, mode: 0o700 });
    for (const name of await readdir(workerKeys)) {
      if (name.startsWith('history-')) await copyFile(join(workerKeys, name), join(host, 'keys', name));
    }
    const hostEnv = { CHAINKEEPER_KEYS_DIR: join(host, 'keys'), CHAINKEEPER_CONSUMER_KEY_PATH: join(root, 'consumer') };
    const result = await cli(['token', alias], hostEnv);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const me = await fetch(`${harness.baseUrl}/api/v1/current/Me`, {
      headers: { Authorization: `Bearer ${result.stdout.trim()}`, Accept: 'application/json' },
    });
    expect(me.status).toBe(200);

    // The worker's directory holds the consumer public key only: it cannot read a token.
    const worker = await cli(['token', alias], { CHAINKEEPER_KEYS_DIR: workerKeys });
    expect(worker.code).toBe(1);
    expect(worker.stdout).toBe('');
    expect(worker.stderr).toMatch(/^chainkeeper: .*holds only consumer public keys.*consumer-<keyId>\.key.*\n$/);
  });
});
