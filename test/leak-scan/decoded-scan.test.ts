import '../support/quiet-runtime';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sealRefreshToken } from '../../src/credentials/refresh-token';
import { startCodecServer, type CodecServer } from '../../src/crypto/codec-server';
import { loadHistoryKeys } from '../../src/crypto/history-keys';
import { loadKeyDirectory } from '../../src/crypto/key-directory';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { createTokenClient } from '../../src/exact';
import { requireTool } from '../../src/temporal/tools';
import { renewAuthorizationUpdate } from '../../contract/messages';
import { scanDecodedHistories, type CodecClient, type JsonPayload } from '../../scripts/soak/decoded-scan';
import { showToFile } from '../../scripts/soak/history-export';
import { observeIssues } from '../../scripts/soak/issue-observer';
import type { RecordedSecret } from '../../scripts/soak/secret-list';
import { SecretMatcher } from '../../scripts/soak/secret-matcher';
import { createDevServerHarness, type DevServerHarness } from '../support/dev-server-harness';

const UI = 'http://localhost:8233';

describe("the leak scan's decoded pass: history through the codec server, as the Web UI reads it", () => {
  let root: string;
  let harness: DevServerHarness;
  let codecServer: CodecServer;
  let codec: CodecClient;
  let historyCodec: SodiumPayloadCodec;
  const secrets: RecordedSecret[] = [];
  const files: string[] = [];

  /** The pass as the soak runs it: every secret but authorization codes, which may stay readable. */
  const scan = (paths: string[]) => {
    const searched = secrets.filter((secret) => secret.kind !== 'authorization-code');
    return scanDecodedHistories({
      files: paths,
      root,
      codec,
      matcher: new SecretMatcher(searched),
      secrets: new Map(searched.map((secret) => [secret.label, secret])),
    });
  };

  async function exportHistory(workflowId: string): Promise<string> {
    const file = join(root, `${workflowId.replace(/\//g, '_')}.json`);
    const { runId } = await harness.client.workflow.getHandle(workflowId).describe();
    const problem = await showToFile(requireTool('cli'), harness.address, 'default', workflowId, runId, file);
    expect(problem).toBeUndefined();
    return file;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainkeeper-decoded-scan-'));
    const keysDir = join(root, 'keys');
    await loadKeyDirectory(keysDir, { createIfMissing: true });
    harness = await createDevServerHarness({ address: inject('temporalAddress'), keysDir });
    observeIssues(harness.sim, (event) => {
      const n = secrets.length;
      if (event.kind === 'code') secrets.push({ kind: 'authorization-code', label: `code ${n}`, value: event.code });
      else {
        secrets.push({ kind: 'access-token', label: `access token ${n}`, value: event.accessToken });
        secrets.push({ kind: 'refresh-token', label: `refresh token ${n}`, value: event.refreshToken });
      }
    });
    historyCodec = await SodiumPayloadCodec.create(await loadHistoryKeys(keysDir));
    codecServer = await startCodecServer({ codec: historyCodec, allowedOrigins: [UI] });
    codec = { url: codecServer.url, namespace: 'default', origin: UI };

    // One container enrolled with an authorization code (its exchange returns the first access token) ...
    const byCode = harness.uniqueAlias('by-code');
    await harness.enroll(byCode);
    // ... and one renewed with a refresh token obtained by hand, sealed as the CLI seals it.
    const outside = createTokenClient({ ...harness.app, baseUrl: harness.baseUrl });
    const pair = await outside.exchangeCode(await harness.code(harness.newUser()));
    if (pair.kind !== 'ok') throw new Error(`the simulator refused the code: ${pair.kind}`);
    const byHand = harness.uniqueAlias('by-hand');
    const handle = await harness.startContainer(byHand);
    await handle.executeUpdate(renewAuthorizationUpdate, {
      args: [sealRefreshToken(harness.orgKeys.current, pair.value.refreshToken)],
    });
    files.push(await exportHistory(`container/${byCode}`), await exportHistory(`container/${byHand}`));
  });
  afterAll(async () => {
    await codecServer?.close();
    await harness?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('decodes every payload and finds no refresh token and no access token', async () => {
    expect(secrets.filter((s) => s.kind === 'access-token').length).toBeGreaterThanOrEqual(2);
    const result = await scan(files);
    expect(result.failed).toEqual([]);
    expect(result.payloads).toBeGreaterThan(5);
    expect(result.requests).toBeGreaterThan(3);
    expect(result.hits).toEqual([]);
  });

  it('finds a live access token planted in a payload the raw scan cannot read', async () => {
    const token = secrets.find((s) => s.kind === 'access-token')!;
    // What every activity result held before access tokens were sealed: the token, encrypted by the codec.
    const [encrypted] = await historyCodec.encode([defaultPayloadConverter.toPayload({ accessToken: token.value })]);
    const planted: JsonPayload = {
      metadata: Object.fromEntries(
        Object.entries(encrypted!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
      ),
      data: Buffer.from(encrypted!.data ?? []).toString('base64'),
    };
    const exported = JSON.parse(await readFile(files[0]!, 'utf8')) as { events: unknown[] };
    exported.events.push({ activityTaskCompletedEventAttributes: { result: { payloads: [planted] } } });
    const file = join(root, 'planted.json');
    await writeFile(file, JSON.stringify(exported));

    // Encrypted at rest: the raw scan sees nothing.
    expect(new SecretMatcher([token]).scan(await readFile(file, 'latin1'), 'planted.json')).toEqual([]);
    const result = await scan([file]);
    expect(result.hits).toEqual([
      { secret: token.label, source: 'planted.json (decoded)', encoding: 'plain', kind: 'access-token' },
    ]);
  });

  it('reports what the codec server refuses instead of passing it', async () => {
    const stranger = await SodiumPayloadCodec.create({
      currentKeyId: 'h-00000001-00000000',
      keys: new Map([['h-00000001-00000000', new Uint8Array(32).fill(7)]]),
    });
    const [encrypted] = await stranger.encode([defaultPayloadConverter.toPayload('x')]);
    const foreign = {
      metadata: Object.fromEntries(
        Object.entries(encrypted!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
      ),
      data: Buffer.from(encrypted!.data ?? []).toString('base64'),
    };
    const file = join(root, 'foreign.json');
    await writeFile(file, JSON.stringify({ events: [{ input: { payloads: [foreign] } }] }));
    const result = await scan([file]);
    expect(result.failed).toEqual([{ source: 'foreign.json', status: 422, problem: expect.any(String) as string }]);
  });
});
