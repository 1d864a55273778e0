/** Fault injection: every kind, by count and by seeded probability, before and after processing. */
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXACT_RULES } from '../../src/exact/rules';
import { SimulatorInputError } from '../../src/simulator';
import { Harness, type HttpAnswer, START_MS } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

const MIN_INTERVAL_S = EXACT_RULES.minRefreshIntervalS;

/** Refreshing with the same token after the fault proves the fault changed nothing. */
async function expectChainUntouched(refreshToken: string): Promise<void> {
  h.sim.control.clearFaults();
  h.advanceS(MIN_INTERVAL_S);
  expect((await h.refresh(refreshToken)).status).toBe(200);
}

describe('fault kinds', () => {
  it('delay: answers normally after the delay', async () => {
    const pair = await h.newChain();
    h.sim.control.addFault({ route: 'me', kind: 'delay', delayMs: 150, count: 1 });
    const started = performance.now();
    const answer = await h.me(pair.access_token);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(answer.status).toBe(200);
    expect(h.sim.control.counters().faultsInjected.map((fault) => [fault.route, fault.kind])).toEqual([
      ['me', 'delay'],
    ]);
  });

  it('5xx: answers 503 with a short text body before processing, so the chain does not move', async () => {
    const pair = await h.newChain();
    h.sim.control.addFault({ route: 'token', kind: '5xx' });
    h.advanceS(MIN_INTERVAL_S);
    const answer = await h.refresh(pair.refresh_token);
    expect(answer.status).toBe(503);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body).toBe('The service is temporarily unavailable.');
    await expectChainUntouched(pair.refresh_token);
  });

  it('5xx: uses the status the rule gives', async () => {
    h.sim.control.addFault({ route: 'me', kind: '5xx', status: 502 });
    expect((await h.me('x')).status).toBe(502);
  });

  it('reset: drops the connection without an answer, before processing', async () => {
    const pair = await h.newChain();
    h.sim.control.addFault({ route: 'token', kind: 'reset', count: 1 });
    h.advanceS(MIN_INTERVAL_S);
    await expect(h.refresh(pair.refresh_token)).rejects.toThrow();
    expect(h.sim.control.counters().tokenCalls).toHaveLength(1);
    await expectChainUntouched(pair.refresh_token);
  });

  it('reset after processing: rotates the chain, then drops the answer, so the old token is then "old"', async () => {
    const pair = await h.newChain();
    h.sim.control.addFault({ route: 'token', kind: 'reset', count: 1, afterProcessing: true });
    h.advanceS(MIN_INTERVAL_S);
    await expect(h.refresh(pair.refresh_token)).rejects.toThrow();
    const counters = h.sim.control.counters();
    expect(counters.tokenCalls.at(-1)).toMatchObject({ outcome: 'ok', status: 200, answerLost: true });
    expect(counters.chains[0]?.accessTokenIssuedAtMs).toHaveLength(2);
    h.advanceS(MIN_INTERVAL_S);
    expect((await h.refresh(pair.refresh_token)).status).toBe(401);
  });

  it('html: answers an HTML error page with status 500', async () => {
    h.sim.control.addFault({ route: 'token', kind: 'html' });
    const answer = await h.refresh('x');
    expect(answer.status).toBe(500);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toMatch(/^<!DOCTYPE html>/);
  });

  it('html: can answer 200 with an HTML page where JSON was expected', async () => {
    h.sim.control.addFault({ route: 'me', kind: 'html', status: 200 });
    const answer = await h.me('x');
    expect([answer.status, answer.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
  });

  it('truncated: answers 200 with JSON cut in half', async () => {
    const pair = await h.newChain();
    h.sim.control.addFault({ route: 'token', kind: 'truncated' });
    h.advanceS(MIN_INTERVAL_S);
    const answer = await h.refresh(pair.refresh_token);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.body.startsWith('{"access_token":"gAAAA')).toBe(true);
    expect(() => JSON.parse(answer.body) as unknown).toThrow(SyntaxError);
    await expectChainUntouched(pair.refresh_token);
  });

  it('truncated after processing: cuts the real answer in half', async () => {
    const pair = await h.newChain();
    h.sim.control.addFault({ route: 'me', kind: 'truncated', afterProcessing: true });
    const answer = await h.me(pair.access_token);
    h.sim.control.clearFaults();
    const whole = await h.me(pair.access_token);
    expect(answer.body).toBe(whole.body.slice(0, Math.floor(whole.body.length / 2)));
  });

  it('empty: answers 200 with an empty body', async () => {
    h.sim.control.addFault({ route: 'me', kind: 'empty' });
    const answer = await h.me('x');
    expect([answer.status, answer.body]).toEqual([200, '']);
  });

  it('429 on /Me: answers like the minutely limit, with only the minutely headers, before processing', async () => {
    const pair = await h.newChain();
    h.sim.control.addFault({ route: 'me', kind: '429', count: 1 });
    h.advanceS(15);
    const answer = await h.me(pair.access_token);
    expect(answer.status).toBe(429);
    expect(Object.keys(answer.headers).filter((name) => name.startsWith('x-ratelimit'))).toEqual([
      'x-ratelimit-minutely-limit',
      'x-ratelimit-minutely-remaining',
      'x-ratelimit-minutely-reset',
    ]);
    const minutely = ['limit', 'remaining', 'reset'].map((part) => answer.headers[`x-ratelimit-minutely-${part}`]);
    expect(minutely).toEqual(['60', '0', String(START_MS + 60_000)]);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: '', message: { lang: '', value: 'API rate limit exceeded: too many calls this minute' } },
    });
    expect((await h.me(pair.access_token)).headers['x-ratelimit-minutely-remaining']).toBe('59');
  });

  it('429 on the token route: access_denied JSON with the minutely headers, and the chain does not move', async () => {
    const pair = await h.newChain();
    h.sim.control.addFault({ route: 'token', kind: '429', count: 1 });
    h.advanceS(MIN_INTERVAL_S);
    const answer = await h.refresh(pair.refresh_token);
    expect(answer.status).toBe(429);
    expect(answer.body).toBe(
      '{"error":"access_denied","error_description":"Rate limit exceeded: too many token requests this minute"}',
    );
    expect(answer.headers['x-ratelimit-minutely-remaining']).toBe('0');
    expect(answer.headers['x-ratelimit-reset']).toBeUndefined();
    expect(answer.headers['retry-after']).toBeUndefined();
    await expectChainUntouched(pair.refresh_token);
  });

  it('refuses a 429 fault on the login pages, after processing, or with a status of its own', () => {
    const refusals = [
      { route: 'auth', kind: '429' },
      { route: 'token', kind: '429', afterProcessing: true },
      { route: 'me', kind: '429', status: 503 },
    ] as const;
    for (const rule of refusals) {
      expect(() => h.sim.control.addFault(rule)).toThrow(SimulatorInputError);
      expect(() => h.sim.control.addFault(rule)).toThrow(/a 429 fault applies to the token and me routes/);
    }
  });

  it('applies auth-route faults to the login pages', async () => {
    h.sim.control.addFault({ route: 'auth', kind: '5xx', count: 1 });
    const query = `client_id=${encodeURIComponent(h.app.clientId)}&redirect_uri=${encodeURIComponent(h.app.redirectUri)}&response_type=code&state=s`;
    expect((await h.send('GET', `/api/oauth2/auth?${query}`)).status).toBe(503);
    expect((await h.send('GET', `/api/oauth2/auth?${query}`)).status).not.toBe(503);
  });
});

describe('clients that give up', () => {
  it('a client that disconnects during a delay has nothing processed, and the simulator logs nothing', async () => {
    const logged = vi.spyOn(console, 'error');
    try {
      const pair = await h.newChain();
      h.sim.control.addFault({ route: 'token', kind: 'delay', delayMs: 600_000, count: 1 });
      h.advanceS(MIN_INTERVAL_S);
      const giveUp = new AbortController();
      const refreshing = request(`${h.baseUrl}/api/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: pair.refresh_token,
          client_id: h.app.clientId,
          client_secret: h.app.clientSecret,
        }).toString(),
        signal: giveUp.signal,
      });
      await vi.waitFor(() => expect(h.sim.control.counters().faultsInjected).toHaveLength(1));
      giveUp.abort();
      await expect(refreshing).rejects.toThrow();
      await vi.waitFor(() =>
        expect(h.sim.control.counters().abandonedRequests).toEqual([{ atMs: h.clock.nowMs(), route: 'token' }]),
      );
      expect(logged).not.toHaveBeenCalled();
      expect(h.sim.control.counters().tokenCalls).toHaveLength(1);
      await expectChainUntouched(pair.refresh_token);
    } finally {
      logged.mockRestore();
    }
  });
});

describe('fault schedules', () => {
  it('count: faults exactly the next N requests of the route, then answers normally', async () => {
    h.sim.control.addFault({ route: 'me', kind: '5xx', count: 2 });
    const statuses = [];
    for (let call = 0; call < 4; call++) statuses.push((await h.me(undefined)).status);
    expect(statuses).toEqual([503, 503, 401, 401]);
    expect(h.sim.control.listFaults()).toEqual([]);
  });

  it('route: a fault on one route leaves the others alone', async () => {
    h.sim.control.addFault({ route: 'token', kind: '5xx' });
    expect((await h.me(undefined)).status).toBe(401);
  });

  it('probability: the same seed gives the same pattern of faults', async () => {
    const pattern = async (harness: Harness): Promise<number[]> => {
      harness.sim.control.addFault({ route: 'me', kind: '5xx', probability: 0.5 });
      const answers: HttpAnswer[] = [];
      for (let call = 0; call < 24; call++) answers.push(await harness.me(undefined));
      return answers.map((answer) => answer.status);
    };
    const other = await new Harness({ seed: 1 }).start();
    try {
      const first = await pattern(h);
      expect(await pattern(other)).toEqual(first);
      expect(first).toContain(503);
      expect(first).toContain(401);
    } finally {
      await other.stop();
    }
  });

  it('DELETE /_sim/faults removes every rule', async () => {
    h.sim.control.addFault({ route: 'me', kind: 'empty' });
    expect((await h.control('DELETE', 'faults')).status).toBe(200);
    expect((await h.me(undefined)).status).toBe(401);
  });
});
