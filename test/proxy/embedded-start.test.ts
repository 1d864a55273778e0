import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startEmbeddedProxy } from '../../scripts/start/proxy';
import { loadEnv } from '../../src/config/env';
import { consumersFromEnv } from '../../src/consumers/exact-proxy';
import { generateConsumerKeyPair, writeConsumerKeyPair } from '../../src/crypto/consumer-keys';
import { ConsumerTokensError } from '../../src/proxy';
import { captureLog } from '../observability/capture-log';

const TOKEN_A = 'a'.repeat(40);
const TOKEN_B = 'b'.repeat(40);

describe('the proxy’s consumers from the configuration', () => {
  it('reads the inline entries and the file together, and refuses a name given twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxy-tokens-'));
    const file = join(dir, 'tokens');
    await writeFile(file, `# ours\nbilling:${TOKEN_B}:acme\n`);
    const both = loadEnv({ CHAINKEEPER_PROXY_TOKENS: `reports:${TOKEN_A}`, CHAINKEEPER_PROXY_TOKENS_FILE: file });
    expect((await consumersFromEnv(both)).map((entry) => entry.name)).toEqual(['reports', 'billing']);
    const twice = loadEnv({ CHAINKEEPER_PROXY_TOKENS: `billing:${TOKEN_A}`, CHAINKEEPER_PROXY_TOKENS_FILE: file });
    await expect(consumersFromEnv(twice)).rejects.toThrow(/"billing"\): the name is used twice/);
    await expect(consumersFromEnv(loadEnv({}))).rejects.toBeInstanceOf(ConsumerTokensError);
    await expect(consumersFromEnv(loadEnv({ CHAINKEEPER_PROXY_TOKENS_FILE: join(dir, 'missing') }))).rejects.toThrow(
      /cannot read the consumer tokens file \(ENOENT\)/,
    );
  });
});

describe('the proxy in npm start', () => {
  it('makes a demo consumer with its own token once, says where it is, and serves', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'embedded-proxy-'));
    await writeConsumerKeyPair(dataDir, generateConsumerKeyPair());
    const env = loadEnv({ CHAINKEEPER_KEYS_DIR: dataDir, CHAINKEEPER_PROXY_PORT: '0' });
    // A client that cannot reach Temporal: the proxy asks it nothing before a consumer calls.
    const client = { workflow: { getHandle: () => ({ describe: () => Promise.reject(new Error('no Temporal')) }) } };
    const log = captureLog('info');
    const first = await startEmbeddedProxy(env, { client: client as unknown as Client, dataDir, log: log.log });
    const file = join(dataDir, 'proxy-tokens');
    const text = await readFile(file, 'utf8');
    const token = /^demo:([0-9a-f]{64})$/m.exec(text)?.[1];
    expect(token).toBeDefined();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.hint).toMatch(/consumer token in .*proxy-tokens; try: curl/);
    expect(first.hint).not.toContain(token!);

    const answer = await request(`${first.url}/demo-1/api/v1/current/Me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.statusCode).toBe(502);
    expect(await answer.body.json()).toMatchObject({ error: { code: 'chainkeeper.container_unreadable' } });
    await first.close();

    const again = await startEmbeddedProxy(env, { client: client as unknown as Client, dataDir, log: log.log });
    await again.close();
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
