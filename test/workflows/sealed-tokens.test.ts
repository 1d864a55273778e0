import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealRefreshToken } from '../../src/credentials/refresh-token';
import { openAccessToken } from '../../src/crypto/consumer-keys';
import { generateOrgKeyPair, type OrgKeyRing } from '../../src/crypto/keys';
import { createTokenClient } from '../../src/exact';
import { scanText, type LabelledSecret } from '../../src/leak-scan/scan';
import { accessTokenQuery, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { observeIssues } from '../../scripts/soak/issue-observer';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;

/** Every token the simulator issues from now on, labelled for the leak scan. */
function recordTokens(h: ContainerHarness): LabelledSecret[] {
  const tokens: LabelledSecret[] = [];
  observeIssues(h.sim, (event) => {
    if (event.kind !== 'pair') return;
    tokens.push({ label: `access token ${tokens.length}`, value: event.accessToken });
    tokens.push({ label: `refresh token ${tokens.length}`, value: event.refreshToken });
  });
  return tokens;
}

function payloadsIn(node: unknown, found: Payload[] = []): Payload[] {
  if (Array.isArray(node)) node.forEach((item) => payloadsIn(item, found));
  else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (record.data instanceof Uint8Array && typeof record.metadata === 'object' && record.metadata !== null) {
      found.push(record);
    } else Object.values(record).forEach((child) => payloadsIn(child, found));
  }
  return found;
}

/** A workflow's history as an admin reads it through the codec server: every payload decoded, as text. */
async function decodedHistory(h: ContainerHarness, workflowId: string): Promise<string> {
  const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
  const [codec] = h.env.client.options.loadedDataConverter.payloadCodecs;
  const decoded = await codec!.decode(payloadsIn(history.events));
  return decoded.map((payload) => Buffer.from(payload.data ?? []).toString('latin1')).join('\n');
}

/** A chain started outside chainkeeper, as an admin who obtained a refresh token by hand would have it. */
async function refreshTokenByHand(h: ContainerHarness): Promise<string> {
  const outside = createTokenClient({ ...h.app, baseUrl: h.sim.baseUrl });
  const pair = await outside.exchangeCode(await h.code(h.newUser()));
  if (pair.kind !== 'ok') throw new Error(`the simulator refused the code: ${pair.kind}`);
  return pair.value.refreshToken;
}

async function updateFailure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err as Error & { cause?: Error },
  );
  expect(error).toBeInstanceOf(Error);
  return String(error?.cause?.message ?? error?.message);
}

describe('tokens reach workflow state, history and queries only sealed (time-skipping)', () => {
  let h: ContainerHarness;
  let tokens: LabelledSecret[];
  beforeAll(async () => {
    h = await createContainerHarness();
    tokens = recordTokens(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a sealed refresh token starts a chain; history decoded through the codec holds no token, the query a sealed one', async () => {
    const handle = await h.startContainer('sealed-renewal');
    const renewed = await handle.executeUpdate(renewAuthorizationUpdate, {
      args: [sealRefreshToken(h.orgKeys.current, await refreshTokenByHand(h))],
    });
    expect(renewed).toMatchObject({ chain: 1, generation: 1 });
    await h.env.sleep(25 * MINUTE_MS);
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', chain: 1, generation: 3 });

    const answer = await handle.query(accessTokenQuery);
    expect(scanText(JSON.stringify(answer), 'accessToken query', tokens)).toEqual([]);
    const journal = await h.vault.readChain('sealed-renewal');
    expect(answer.sealedAccessToken.keyId).toBe(h.consumerKeys.current.keyId);
    expect(openAccessToken(h.consumerKeys, answer.sealedAccessToken)).toBe(journal?.accessToken);

    const history = await decodedHistory(h, handle.workflowId);
    // Decoding worked (the sealed renewal and sealed access tokens read as JSON), and shows no token.
    expect(history).toContain('"sealedRefreshToken"');
    expect(history).toContain('"sealedAccessToken"');
    expect(tokens.length).toBeGreaterThanOrEqual(6);
    expect(scanText(history, handle.workflowId, tokens)).toEqual([]);
  });

  it('refuses a plaintext refresh token, saying how to seal it, without repeating it or putting it in history', async () => {
    const handle = await h.startContainer('plaintext-renewal');
    const refreshToken = await refreshTokenByHand(h);
    const message = await updateFailure(
      handle.executeUpdate(renewAuthorizationUpdate, { args: [{ refreshToken } as never] }),
    );
    expect(message).toMatch(/refuses a refresh token in plaintext.*chainkeeper seal --refresh-token/);
    expect(message).not.toContain(refreshToken);
    const history = await decodedHistory(h, handle.workflowId);
    expect(history).not.toContain(refreshToken);
    expect((await handle.query(statusQuery)).status).toBe('needs-reauth');
  });

  it("refuses a refresh token sealed to another key, naming the key, and keeps the container's chain", async () => {
    const user = h.newUser();
    const handle = await h.startContainer('wrong-key');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const stranger = generateOrgKeyPair();
    const message = await updateFailure(
      handle.executeUpdate(renewAuthorizationUpdate, {
        args: [sealRefreshToken(stranger, await refreshTokenByHand(h))],
      }),
    );
    expect(message).toContain(`sealed to key ${stranger.keyId}`);
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', chain: 1 });
  });
});

describe('a container holding an access token from before sealing (time-skipping)', () => {
  let h: ContainerHarness;
  let consumerKeys: OrgKeyRing | undefined;
  let legacy = true;
  beforeAll(async () => {
    // exchangeCode answers as workers before sealing did, with the token in plaintext, while `legacy` is on.
    h = await createContainerHarness({
      wrap: (activities) => ({
        ...activities,
        exchangeCode: async (request) => {
          const { sealedAccessToken, ...chain } = await activities.exchangeCode(request);
          if (!legacy || sealedAccessToken === undefined) return { ...chain, sealedAccessToken };
          return { ...chain, accessToken: openAccessToken(consumerKeys!, sealedAccessToken) };
        },
      }),
    });
    consumerKeys = h.consumerKeys;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts it as a token but never serves it: the query says why, and the next refresh brings a sealed one', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('legacy-token');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    legacy = false;
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', generation: 1 });
    const journal = await h.vault.readChain('legacy-token');

    const refused = await handle.query(accessTokenQuery).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    // Its reason travels encrypted like every failure (consumers fall back to the status and ask for refreshNow).
    expect(refused).toBeInstanceOf(Error);
    expect(refused?.message).not.toContain(journal!.accessToken!);

    await h.env.sleep(10 * MINUTE_MS);
    const answer = await handle.query(accessTokenQuery);
    expect(answer.generation).toBe(2);
    expect(openAccessToken(consumerKeys!, answer.sealedAccessToken)).toBe(
      (await h.vault.readChain('legacy-token'))?.accessToken,
    );
  });
});
