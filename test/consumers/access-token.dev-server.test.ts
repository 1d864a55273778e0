import '../support/quiet-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ContainerNotFoundError, getAccessToken, maxMinValidityS, NoAccessTokenError } from '../../src/consumers';
import { openAccessToken } from '../../src/crypto/consumer-keys';
import { scaleRules } from '../../src/exact/rules';
import { accessTokenQuery, pauseSignal, statusQuery } from '../../contract/messages';
import { createDevServerHarness, type ContainerHandle, type DevServerHarness } from '../support/dev-server-harness';

/** Exact's rules at 1/50 of real time: tokens live 12 s and the next may be asked for 11.4 s after the last. */
const rules = scaleRules(0.02);

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function signalNames(handle: ContainerHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.flatMap((event) => event.workflowExecutionSignaledEventAttributes?.signalName ?? []);
}

describe('getAccessToken against a real container (compressed time)', () => {
  let harness: DevServerHarness;

  beforeAll(async () => {
    harness = await createDevServerHarness({ address: inject('temporalAddress'), simulator: { rules } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('waits for the rule, asks for refreshNow and returns the next generation, which /Me accepts', async () => {
    const alias = harness.uniqueAlias('report');
    // Without refreshNow this container would not refresh for ten minutes.
    const { handle } = await harness.enroll(alias, { refreshIntervalMs: 600_000 });
    const minValidityS = 10;
    const first = await handle.query(accessTokenQuery);
    // Until the current token has less than 10 s left, it is the answer; from then a new one must come.
    await until(
      () => Promise.resolve(Date.parse(first.expiresAt) - Date.now()),
      (leftMs) => leftMs < (minValidityS - 0.5) * 1000,
    );

    const token = await getAccessToken(harness.client, alias, {
      rules,
      minValidityS,
      timeoutMs: 30_000,
      pollMs: 200,
      consumerKeys: harness.consumerKeys,
    });

    expect(token.validForS).toBeGreaterThanOrEqual(minValidityS);
    expect(token.accessToken).not.toBe(openAccessToken(harness.consumerKeys, first.sealedAccessToken));
    const now = await handle.query(accessTokenQuery);
    expect(now.generation).toBe(first.generation + 1);
    expect(Date.parse(now.issuedAt)).toBeGreaterThanOrEqual(
      Date.parse(first.issuedAt) + rules.minRefreshIntervalS * 1000,
    );
    expect(await signalNames(handle)).toEqual(['refreshNow']);
    const me = await fetch(`${harness.baseUrl}/api/v1/current/Me`, {
      headers: { Authorization: `Bearer ${token.accessToken}`, Accept: 'application/json' },
    });
    expect(me.status).toBe(200);
  });

  it('returns the current token without a signal when it is valid for long enough', async () => {
    const alias = harness.uniqueAlias('fresh');
    const { handle } = await harness.enroll(alias, { refreshIntervalMs: 600_000 });
    const token = await getAccessToken(harness.client, alias, {
      rules,
      minValidityS: 1,
      consumerKeys: harness.consumerKeys,
    });
    const answer = await handle.query(accessTokenQuery);
    // The query answers a box sealed to the consumer key; only its holder reads the token.
    expect(JSON.stringify(answer)).not.toContain(token.accessToken);
    expect(openAccessToken(harness.consumerKeys, answer.sealedAccessToken)).toBe(token.accessToken);
    expect(await signalNames(handle)).toEqual([]);
  });

  it("refuses with the container's own reason when it was never enrolled", async () => {
    const alias = harness.uniqueAlias('never-enrolled');
    const handle = await harness.startContainer(alias);
    await until(
      () => handle.query(statusQuery),
      (status) => status.status === 'needs-reauth',
    );
    const error = await getAccessToken(harness.client, alias, { rules, consumerKeys: harness.consumerKeys }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoAccessTokenError);
    expect((error as NoAccessTokenError).reauthReason).toMatch(/not enrolled yet/);
    expect((error as Error).message).toMatch(/not enrolled yet/);
  });

  it('refuses at once when a paused container cannot give a token valid for long enough', async () => {
    const alias = harness.uniqueAlias('paused');
    const { handle } = await harness.enroll(alias);
    await handle.signal(pauseSignal, 'test');
    const error = await getAccessToken(harness.client, alias, {
      rules,
      minValidityS: maxMinValidityS(rules),
      consumerKeys: harness.consumerKeys,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAccessTokenError);
    expect((error as NoAccessTokenError).status).toBe('paused');
  });

  it('says no container runs under an unknown alias', async () => {
    const error = await getAccessToken(harness.client, harness.uniqueAlias('unknown'), {
      consumerKeys: harness.consumerKeys,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerNotFoundError);
  });
});
