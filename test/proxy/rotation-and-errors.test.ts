import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/simulator';
import { startProxyHarness, type ProxyHarness } from './harness';

const T = Date.UTC(2026, 0, 15, 10, 0, 0);
const S = 1000;

describe('the proxy against token rotation and Exact’s error budget (simulator)', () => {
  let h: ProxyHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('loses no request when the token rotates in the middle of a burst', async () => {
    const clock = new ManualClock(T);
    h = await startProxyHarness({ clock });
    const first = await h.newToken('anna@example.com');
    clock.advance(570 * S);
    const second = await h.refresh(first.refreshToken);
    clock.set(T + 100 * S); // both tokens valid: the first until T+600 s, the second until T+1170 s
    h.tokens.tokens.set('acme', first.accessToken);
    // Every /Me waits 30 ms, so requests sent with the old token are still on their way when it dies.
    h.sim.control.addFault({ route: 'me', kind: 'delay', delayMs: 30 });
    h.tokens.onGet = (count) => {
      if (count !== 15) return;
      // Halfway through the delay of the request now being sent (the old token's 15th): it, and any other still
      // on its way, reaches Exact's token check after the old token expired, whatever the machine's load.
      setTimeout(() => {
        clock.set(T + 601 * S); // the old token expires at Exact, and the container has the new one
        h!.tokens.tokens.set('acme', second.accessToken);
      }, 15);
    };

    const burst = Array.from({ length: 40 }, () => h!.call('/acme/api/v1/current/Me'));
    const statuses = (await Promise.all(burst)).map((answer) => answer.status);

    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const refused = h.sim.control.counters().meCalls.filter((call) => call.status === 401);
    expect(refused.length).toBeGreaterThan(0); // the rotation did catch requests on their way
    expect(refused.length).toBeLessThanOrEqual(4); // at most the requests in flight to one company
    expect(new Set(h.tokens.invalidated)).toEqual(new Set([first.accessToken]));
    const retried = h.log.lines.filter((line) => line.attempts === 2);
    expect(retried).toHaveLength(refused.length);
  });

  it('stops forwarding to an endpoint after 8 errors in the hour, before Exact blocks the key', async () => {
    const clock = new ManualClock(T);
    h = await startProxyHarness({ clock });
    h.tokens.tokens.set('acme', 'not-a-token-exact-knows');

    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await h.call('/acme/api/v1/current/Me')).status);

    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses.slice(8)).toEqual(Array(4).fill(503));
    expect(h.sim.control.counters().errors).toHaveLength(8);
    const refusal = await h.call('/acme/api/v1/current/Me');
    expect(refusal.headers['x-chainkeeper-error']).toBe('chainkeeper.error_budget');
    expect(Number(refusal.headers['retry-after'])).toBeGreaterThan(3500);
    expect(JSON.parse(refusal.body)).toEqual({
      error: {
        code: 'chainkeeper.error_budget',
        message: expect.stringMatching(/8 errors .* on current\/me of "acme" .* blocks the app key at 10/) as string,
      },
    });
    // Another endpoint of the same container is not held.
    const other = await h.call('/acme/api/v1/4711/crm/Accounts');
    expect(other.headers['x-chainkeeper-error']).toBeUndefined();
  });

  it('keeps requests in flight from taking an endpoint past its budget', async () => {
    const clock = new ManualClock(T);
    h = await startProxyHarness({ clock });
    h.tokens.tokens.set('acme', 'not-a-token-exact-knows');
    h.sim.control.addFault({ route: 'me', kind: 'delay', delayMs: 20 });

    const statuses = (await Promise.all(Array.from({ length: 30 }, () => h!.call('/acme/api/v1/current/Me')))).map(
      (answer) => answer.status,
    );

    expect(statuses.filter((status) => status === 401)).toHaveLength(8);
    expect(statuses.filter((status) => status === 503)).toHaveLength(22);
    expect(h.sim.control.counters().errors.length).toBeLessThanOrEqual(8);
  });
});
