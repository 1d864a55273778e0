import '../support/quiet-runtime';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../src/config/env';
import { ConsumerKeyError } from '../../src/crypto/consumer-keys';
import { loadKeyDirectory } from '../../src/crypto/key-directory';
import { KeyProbeError, probeWorkerKeys } from '../../src/crypto/key-probe';
import { keyIdOf } from '../../src/crypto/keys';
import { createChainkeeperWorker } from '../../src/temporal/worker';
import { PROJECT_ROOT } from '../../src/temporal/tools';
import { runCli } from '../cli/run-cli';

/** Starts a worker on `keysDir` against the shared dev server; it must refuse before it takes any task. */
async function startFailure(root: string, keysDir: string): Promise<Error> {
  const env = loadEnv({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `key-probe-${Math.random().toString(36).slice(2)}`,
    CHAINKEEPER_KEYS_DIR: keysDir,
    CHAINKEEPER_STORE_URL: `sqlite:${join(root, 'store.db')}`,
    LOG_LEVEL: 'silent',
  });
  const outcome = await createChainkeeperWorker(env).then(
    async (worker) => {
      // The keys were accepted: the worker would have run. Close what it opened; the test fails below.
      await worker.vault.close();
      return undefined;
    },
    (error: unknown) => error as Error,
  );
  expect(outcome, 'the worker started with keys it cannot use').toBeInstanceOf(Error);
  return outcome!;
}

async function keyDir(root: string, name: string): Promise<string> {
  const dir = join(root, name);
  expect((await runCli(['keys', 'init', '--dir', dir])).code).toBe(0);
  return dir;
}

describe('a worker that cannot open what it seals does not start', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainkeeper-key-probe-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('passes the keys `keys init` makes', async () => {
    const keys = await loadKeyDirectory(await keyDir(root, 'good'));
    expect(() => probeWorkerKeys(keys)).not.toThrow();
  });

  it('refuses an organization key whose private half is missing, naming the key', async () => {
    const dir = await keyDir(root, 'public-only');
    const orgKey = (await readdir(dir)).find((name) => /^org-.*\.key$/.test(name))!;
    await unlink(join(dir, orgKey));
    const error = await startFailure(root, dir);
    expect(error).toBeInstanceOf(KeyProbeError);
    expect(error.message).toMatch(
      /^the worker cannot open what it seals with organization key [0-9a-f]{16}: .*public half/,
    );
  });

  it('refuses a key directory without a consumer public key, saying to run keys init', async () => {
    const dir = await keyDir(root, 'no-consumer');
    for (const name of await readdir(dir)) if (name.startsWith('consumer-')) await unlink(join(dir, name));
    const error = await startFailure(root, dir);
    expect(error).toBeInstanceOf(ConsumerKeyError);
    expect(error.message).toMatch(/No consumer key in .*consumer-<keyId>\.pub.*chainkeeper keys init/);
  });

  it('refuses a consumer public key that cannot seal (not a usable X25519 key)', async () => {
    const dir = await keyDir(root, 'zero-consumer');
    for (const name of await readdir(dir)) if (name.startsWith('consumer-')) await unlink(join(dir, name));
    const zero = new Uint8Array(32);
    await writeFile(join(dir, `consumer-${keyIdOf(zero)}.pub`), `${Buffer.from(zero).toString('base64')}\n`);
    const error = await startFailure(root, dir);
    expect(error).toBeInstanceOf(KeyProbeError);
    expect(error.message).toMatch(/consumer public key [0-9a-f]{16} cannot seal/);
  });

  it('`npm run worker` says so in one line and exits with 1', async () => {
    const dir = await keyDir(root, 'worker-main');
    const orgKey = (await readdir(dir)).find((name) => /^org-.*\.key$/.test(name))!;
    await unlink(join(dir, orgKey));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      CHAINKEEPER_KEYS_DIR: dir,
      CHAINKEEPER_STORE_URL: `sqlite:${join(root, 'worker-main.db')}`,
      CHAINKEEPER_METRICS_PORT: '0',
    };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/temporal/worker-main.ts'], {
          cwd: PROJECT_ROOT,
          env,
        });
        // A worker that did start would run forever: stop it, so the test fails instead of hanging.
        const stop = setTimeout(() => child.kill('SIGKILL'), 40_000);
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
        child.once('error', reject);
        child.once('close', (exit) => {
          clearTimeout(stop);
          resolve({ code: exit, stdout: out, stderr: err });
        });
      },
    );
    expect(code).toBe(1);
    const lines = `${stdout}${stderr}`.split('\n').filter((line) => line.includes('cannot start'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/the worker cannot start: the worker cannot open what it seals with organization key/);
  });
});
