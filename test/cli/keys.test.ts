import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadConsumerKeys,
  loadConsumerPublicKey,
  openAccessToken,
  sealAccessToken,
} from '../../src/crypto/consumer-keys';
import { loadHistoryKeys } from '../../src/crypto/history-keys';
import { keyIdOf, loadOrgKeys } from '../../src/crypto/keys';
import { runCli } from './run-cli';

const mode = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

interface Created {
  dir: string;
  orgKeyId: string;
  publicKey: string;
  historyKeyId: string;
  consumerKeyId: string;
  consumerKeyDir: string;
}

describe('chainkeeper keys', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainkeeper-keys-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('init creates an owner-only key directory with the org key pair and a history key, and prints the public key', async () => {
    const dir = join(root, 'init', 'keys');
    const result = await runCli(['keys', 'init', '--json'], { env: { CHAINKEEPER_KEYS_DIR: dir } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as Created;
    expect(created.dir).toBe(dir);
    expect(created.orgKeyId).toBe(keyIdOf(new Uint8Array(Buffer.from(created.publicKey, 'base64'))));

    expect((await readdir(dir)).sort()).toEqual(
      [
        'current',
        `consumer-${created.consumerKeyId}.key`,
        `consumer-${created.consumerKeyId}.pub`,
        `history-${created.historyKeyId}.key`,
        `org-${created.orgKeyId}.key`,
        `org-${created.orgKeyId}.pub`,
      ].sort(),
    );
    expect(created.consumerKeyDir).toBe(dir);
    expect(await mode(join(dir, `consumer-${created.consumerKeyId}.key`))).toBe('600');
    expect(await mode(join(dir, `consumer-${created.consumerKeyId}.pub`))).toBe('644');
    expect(await mode(dir)).toBe('700');
    expect(await mode(join(dir, `org-${created.orgKeyId}.key`))).toBe('600');
    expect(await mode(join(dir, `org-${created.orgKeyId}.pub`))).toBe('644');
    expect(await mode(join(dir, `history-${created.historyKeyId}.key`))).toBe('600');
    expect((await readFile(join(dir, `org-${created.orgKeyId}.pub`), 'utf8')).trim()).toBe(created.publicKey);

    const ring = await loadOrgKeys(dir);
    expect(ring.current.keyId).toBe(created.orgKeyId);
    expect(ring.current.privateKey).toBeDefined();
    expect((await loadHistoryKeys(dir)).currentKeyId).toBe(created.historyKeyId);
  });

  it('init prints the key id and the command to seal elsewhere, and --dir wins over CHAINKEEPER_KEYS_DIR', async () => {
    const dir = join(root, 'plain');
    const result = await runCli(['keys', 'init', '--dir', dir], {
      env: { CHAINKEEPER_KEYS_DIR: join(root, 'unused') },
    });
    expect(result.code).toBe(0);
    const { keyId, publicKey } = (await loadOrgKeys(dir)).current;
    const base64 = Buffer.from(publicKey).toString('base64');
    expect(result.stdout).toContain(`org key id:  ${keyId}`);
    expect(result.stdout).toContain(`public key:  ${base64}`);
    expect(result.stdout).toContain(`chainkeeper credentials seal --key-id ${keyId} --public-key ${base64}`);
    await expect(stat(join(root, 'unused'))).rejects.toThrow();
  });

  it('init refuses to touch a directory that already holds keys, in one line, exit 1', async () => {
    const dir = join(root, 'twice');
    expect((await runCli(['keys', 'init', '--dir', dir])).code).toBe(0);
    const before = await Promise.all((await readdir(dir)).sort().map((name) => readFile(join(dir, name), 'utf8')));

    const again = await runCli(['keys', 'init', '--dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^chainkeeper: .* already holds keys .*keys rotate.*\n$/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    const after = await Promise.all((await readdir(dir)).sort().map((name) => readFile(join(dir, name), 'utf8')));
    expect(after).toEqual(before);
  });

  it('rotate adds a new current org key and history key and keeps the old ones for opening and decoding', async () => {
    const dir = join(root, 'rotate');
    const first = JSON.parse((await runCli(['keys', 'init', '--dir', dir, '--json'])).stdout) as Created;
    const rotated = await runCli(['keys', 'rotate', '--dir', dir, '--json']);
    expect(rotated.code).toBe(0);
    const second = JSON.parse(rotated.stdout) as Created;
    expect(second.orgKeyId).not.toBe(first.orgKeyId);

    const ring = await loadOrgKeys(dir);
    expect(ring.current.keyId).toBe(second.orgKeyId);
    expect(ring.keys.map((key) => key.keyId).sort()).toEqual([first.orgKeyId, second.orgKeyId].sort());
    expect(ring.keys.every((key) => key.privateKey !== undefined)).toBe(true);
    const history = await loadHistoryKeys(dir);
    // Made within the same second as init, the new history key still sorts last, so every worker agrees on it.
    expect(history.currentKeyId).toBe(second.historyKeyId);
    expect([...history.keys.keys()].sort()).toEqual([first.historyKeyId, second.historyKeyId].sort());
    expect(await mode(join(dir, `org-${second.orgKeyId}.key`))).toBe('600');
  });

  it('rotate on an empty directory says to run keys init first', async () => {
    const result = await runCli(['keys', 'rotate', '--dir', join(root, 'nothing-here')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^chainkeeper: .*holds no keys to rotate: run `chainkeeper keys init` first\.\n$/);
  });

  it('show lists key ids, public keys and the current ones, never a private key', async () => {
    const dir = join(root, 'show');
    await runCli(['keys', 'init', '--dir', dir]);
    await runCli(['keys', 'rotate', '--dir', dir]);
    const ring = await loadOrgKeys(dir);
    const history = await loadHistoryKeys(dir);

    const shown = await runCli(['keys', 'show'], { env: { CHAINKEEPER_KEYS_DIR: dir } });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`* ${ring.current.keyId}`);
    expect(shown.stdout).toContain(`* ${history.currentKeyId}`);
    for (const key of ring.keys) {
      expect(shown.stdout).toContain(Buffer.from(key.publicKey).toString('base64'));
      expect(shown.stdout).not.toContain(Buffer.from(key.privateKey!).toString('base64'));
    }
    for (const key of history.keys.values()) expect(shown.stdout).not.toContain(Buffer.from(key).toString('base64'));

    const json = JSON.parse((await runCli(['keys', 'show', '--dir', dir, '--json'])).stdout) as {
      orgKeys: { keyId: string; current: boolean; privateKey: boolean }[];
      historyKeys: { id: string; current: boolean }[];
    };
    expect(json.orgKeys.filter((key) => key.current).map((key) => key.keyId)).toEqual([ring.current.keyId]);
    expect(json.historyKeys.filter((key) => key.current).map((key) => key.id)).toEqual([history.currentKeyId]);
  });

  it('init --consumer-dir puts the consumer private key in a directory of its own, which a consumer needs alone', async () => {
    const dir = join(root, 'split', 'worker');
    const consumerDir = join(root, 'split', 'consumer');
    const result = await runCli(['keys', 'init', '--dir', dir, '--consumer-dir', consumerDir, '--json']);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as Created;
    const id = created.consumerKeyId;
    // The worker's directory has the public half only; the consumer's holds nothing but the consumer pair.
    expect((await readdir(dir)).filter((name) => name.startsWith('consumer-'))).toEqual([`consumer-${id}.pub`]);
    expect((await readdir(consumerDir)).sort()).toEqual([`consumer-${id}.key`, `consumer-${id}.pub`]);
    expect(await mode(consumerDir)).toBe('700');
    expect(await mode(join(consumerDir, `consumer-${id}.key`))).toBe('600');

    const workerKey = await loadConsumerPublicKey(dir);
    expect(workerKey.keyId).toBe(id);
    // A consumer host with just the private key file opens what the worker sealed.
    const consumerHost = join(root, 'split', 'host');
    await mkdir(consumerHost, { mode: 0o700 });
    await copyFile(join(consumerDir, `consumer-${id}.key`), join(consumerHost, `consumer-${id}.key`));
    await chmod(join(consumerHost, `consumer-${id}.key`), 0o600);
    const sealed = sealAccessToken(workerKey, 'a-live-access-token-for-a-test');
    expect(openAccessToken(await loadConsumerKeys(consumerHost), sealed)).toBe('a-live-access-token-for-a-test');
    expect(openAccessToken(await loadConsumerKeys(join(consumerHost, `consumer-${id}.key`)), sealed)).toBe(
      'a-live-access-token-for-a-test',
    );
    await expect(loadConsumerKeys(dir)).rejects.toThrow(/holds only consumer public keys/);
  });

  it('init adds a consumer key pair to a key directory made before consumer keys, and touches nothing else', async () => {
    const dir = join(root, 'upgrade');
    const first = JSON.parse((await runCli(['keys', 'init', '--dir', dir, '--json'])).stdout) as Created;
    for (const name of await readdir(dir)) if (name.startsWith('consumer-')) await unlink(join(dir, name));
    const before = (await readdir(dir)).sort();

    const result = await runCli(['keys', 'init', '--dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/added the consumer key pair/);
    const consumer = await loadConsumerPublicKey(dir);
    expect(consumer.keyId).not.toBe(first.consumerKeyId);
    expect((await readdir(dir)).filter((name) => !name.startsWith('consumer-')).sort()).toEqual(before);
    expect((await loadOrgKeys(dir)).current.keyId).toBe(first.orgKeyId);
    // Now complete: a third init refuses.
    expect((await runCli(['keys', 'init', '--dir', dir])).code).toBe(1);
  });

  it('show lists the consumer keys and whether this directory holds their private half', async () => {
    const dir = join(root, 'show-consumer');
    const created = JSON.parse((await runCli(['keys', 'init', '--dir', dir, '--json'])).stdout) as Created;
    const shown = await runCli(['keys', 'show', '--dir', dir]);
    expect(shown.stdout).toContain(`* ${created.consumerKeyId}  with private key`);
    const json = JSON.parse((await runCli(['keys', 'show', '--dir', dir, '--json'])).stdout) as {
      consumerKeys: { keyId: string; current: boolean; privateKey: boolean }[];
    };
    expect(json.consumerKeys).toEqual([{ keyId: created.consumerKeyId, current: true, privateKey: true }]);
  });

  it('answers an unknown subcommand with a usage error, exit 2', async () => {
    const result = await runCli(['keys', 'destroy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chainkeeper: unknown command 'destroy' \(see --help\)\n$/);
  });
});
