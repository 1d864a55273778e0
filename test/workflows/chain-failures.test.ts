import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_REFRESH_INTERVAL_S } from '../../src/exact/rules';
import { maxInAnyWindow } from '../../src/simulator';
import type { SimUser } from '../../src/simulator';
import { accessTokenQuery, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import type { ContainerStatus } from '../../contract/container';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

describe('a container whose chain breaks (time-skipping, simulator over HTTP)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const cases = [
    { how: 'rotate', chainBreak: 'old-refresh-token', text: /old refresh token/i },
    { how: 'invalidate', chainBreak: 'invalid-chain', text: /no live chain/i },
    { how: 'expire', chainBreak: 'refresh-token-expired', text: /expired/i },
  ] as const;

  for (const { how, chainBreak, text } of cases) {
    it(`goes to needs-reauth with a clear reason when the chain is broken (${how}) and renewAuthorization heals it`, async () => {
      const user: SimUser = h.newUser();
      const handle = await h.startContainer(`broken-${how}`);
      await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
      await h.env.sleep(20 * MINUTE_MS);

      h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how });
      await h.env.sleep(11 * MINUTE_MS);

      const broken: ContainerStatus = await handle.query(statusQuery);
      expect(broken.status).toBe('needs-reauth');
      expect(broken.reauthReason).toContain(chainBreak);
      expect(broken.reauthReason).toMatch(/renewAuthorization/);
      expect(broken.lastError?.type).toBe('ChainBrokenError');
      expect(broken.lastError?.message).toMatch(text);
      // One error response, then silence: no retry loop that would get the key blocked.
      const errorsBefore = h.sim.control.counters().errors.length;
      await h.env.sleep(2 * HOUR_MS);
      expect(h.sim.control.counters().errors.length).toBe(errorsBefore);

      const renewed = await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
      expect(renewed).toMatchObject({ status: 'healthy', chain: 2, generation: 1 });
      await h.env.sleep(30 * MINUTE_MS);
      const healed = await handle.query(statusQuery);
      expect(healed).toMatchObject({ status: 'healthy', chain: 2 });
      expect(healed.generation).toBeGreaterThan(1);
      const token = await handle.query(accessTokenQuery);
      expect(token.chain).toBe(2);
    });
  }

  it('rejects malformed renewAuthorization input with a clear message and keeps running', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('bad-input');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const secretish = 'x'.repeat(5);
    const attempts: unknown[] = [
      {},
      { refreshToken: 42 },
      { refreshToken: secretish },
      { refreshToken: 'abc def ghi jkl mno pqr' },
      { code: 'a'.repeat(40), refreshToken: 'b'.repeat(40) },
      { token: 'c'.repeat(40) },
      'just a string',
    ];
    for (const input of attempts) {
      const failure = await handle.executeUpdate(renewAuthorizationUpdate, { args: [input as never] }).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(failure, JSON.stringify(input)).toBeInstanceOf(Error);
      const message = String((failure as Error & { cause?: Error }).cause?.message ?? failure?.message);
      expect(message).toMatch(/renewAuthorization/);
      expect(message).not.toContain('bbbbbbbbbb');
    }
    // A code Exact refuses fails the update, not the workflow.
    const refused = await handle
      .executeUpdate(renewAuthorizationUpdate, { args: [{ code: 'not.a.code-that-exact-knows' }] })
      .then(
        () => undefined,
        (err: unknown) => err as Error & { cause?: Error },
      );
    expect(String(refused?.cause?.message)).toMatch(/no live chain|chain/i);
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ status: 'healthy', chain: 1 });
  });
});

describe('a container under a storm of transient faults', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    // Exact keeps the previous refresh token valid until the new pair is used (as Invantive documents): that is
    // what makes a timed-out refresh recoverable at all. Short client timeouts make the injected delays time out.
    h = await createContainerHarness({ simulator: { graceUntilActivated: true, seed: 7 }, timeoutsMs: 1000 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stays healthy with 30% of token and /Me calls failing, shows its backoff, and keeps errors under 10 an hour', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('stormy');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });

    // Three failures in a row first, to watch the backoff in the status.
    h.sim.control.addFault({ route: 'token', kind: '5xx', count: 3 });
    const seen: ContainerStatus[] = [];
    for (let i = 0; i < 40 && !seen.some((s) => s.status === 'retrying' && s.retryAttempt >= 2); i++) {
      await h.env.sleep(30 * 1000);
      seen.push(await handle.query(statusQuery));
    }
    const retrying = seen.find((s) => s.status === 'retrying' && s.retryAttempt >= 2);
    expect(retrying?.nextRefreshAt).toBeDefined();
    // After a 5xx the answer may be lost: later attempts read the journal and wait out the rule without a call.
    expect(['TransientExactError', 'TooEarlyError']).toContain(retrying?.lastError?.type);

    for (const route of ['token', 'me'] as const) {
      h.sim.control.addFault({ route, kind: '5xx', probability: 0.12 });
      h.sim.control.addFault({ route, kind: 'reset', probability: 0.1 });
      h.sim.control.addFault({ route, kind: 'delay', delayMs: 1500, probability: 0.08 });
    }
    await h.env.sleep(12 * HOUR_MS);
    h.sim.control.clearFaults();
    await h.env.sleep(30 * MINUTE_MS);

    const counters = h.sim.control.counters();
    expect(counters.faultsInjected.length).toBeGreaterThan(25);
    const status = await handle.query(statusQuery);
    expect(status.status).toBe('healthy');
    expect(status.chain).toBe(1);
    expect(status.failures).toBeGreaterThan(10);
    expect(counters.oldRefreshTokenPresented).toBe(0);
    for (const endpoint of ['token', 'me'] as const) {
      const errors = counters.errors.filter((e) => e.endpoint === endpoint);
      expect(maxInAnyWindow(errors, HOUR_MS), endpoint).toBeLessThanOrEqual(10);
    }
    const issued = counters.chains.filter((c) => c.username === user.username).flatMap((c) => c.accessTokenIssuedAtMs);
    const gaps = issued.slice(1).map((at, i) => (at - issued[i]!) / 1000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_REFRESH_INTERVAL_S);
  });
});
