import { afterEach, describe, expect, it } from 'vitest';
import { scaleRules } from '../../src/exact/rules';
import { callsPerWindow, startProxyHarness, type ProxyHarness } from './harness';

/** Exact's rules at 1/20 of real time: a "minute" of 3 s, a token of 30 s. */
const SCALE = 0.05;
const MINUTE_MS = 60_000 * SCALE;

describe('the proxy shares Exact’s limits between consumers (simulator, compressed time)', () => {
  let h: ProxyHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('keeps 50 concurrent consumers of one company within 60 calls a minute, with no 429 from Exact', async () => {
    h = await startProxyHarness({ simulator: { rules: scaleRules(SCALE) } });
    const { accessToken } = await h.newToken('anna@example.com', 4711);
    h.tokens.tokens.set('acme', accessToken);

    const consumer = async (): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await h!.call('/acme/api/v1/current/Me')).status);
      return statuses;
    };
    const statuses = (await Promise.all(Array.from({ length: 50 }, consumer))).flat();

    expect(statuses).toHaveLength(150);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const me = h.sim.control.counters().meCalls;
    expect(me.filter((call) => call.status === 429)).toEqual([]);
    expect(me).toHaveLength(150);
    const perWindow = callsPerWindow(me, MINUTE_MS);
    expect(Math.max(...perWindow)).toBeLessThanOrEqual(60);
    expect(perWindow.length).toBeGreaterThanOrEqual(3); // 150 calls could not fit in fewer minutes

    const metrics = await h.proxy.metrics.registry.metrics();
    expect(metrics).toMatch(/chainkeeper_proxy_requests_total\{alias="acme",endpoint="current\/me",status="200"\} 150/);
    expect(metrics).toMatch(/chainkeeper_proxy_queue_seconds_count\{alias="acme"\} 150/);
    expect(metrics).toMatch(
      /chainkeeper_proxy_rate_limit_remaining\{alias="acme",division="current",window="minutely"\} \d+/,
    );
  }, 60_000);

  it('holds a request Exact refused for the minute until the reset, then sends it again', async () => {
    h = await startProxyHarness({ simulator: { rules: scaleRules(SCALE) } });
    const { accessToken } = await h.newToken('bert@example.com');
    h.tokens.tokens.set('acme', accessToken);
    expect((await h.call('/acme/api/v1/current/Me')).status).toBe(200);
    // Calls the proxy did not send (the worker's own /Me, another tool) spent the minute.
    h.sim.control.addFault({ route: 'me', kind: '429', count: 1 });

    const started = Date.now();
    const answer = await h.call('/acme/api/v1/current/Me?$select=UserID');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ d: { results: [{ UserID: expect.any(String) as string }] } });
    expect(Date.now() - started).toBeLessThan(2 * MINUTE_MS + 2000);
    expect(h.sim.control.counters().faultsInjected).toHaveLength(1);
    expect(h.log.lines.at(-1)).toMatchObject({ status: 200, attempts: 2, endpoint: 'current/me' });
  }, 30_000);
});
