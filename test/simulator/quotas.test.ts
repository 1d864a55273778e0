/** Exact's quotas: 200 token calls a day, 60 and 5000 API calls, and the block after 10 errors an hour. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  API_CALLS_PER_DAY,
  ERRORS_PER_ENDPOINT_PER_HOUR,
  EXACT_RULES,
  TOKEN_CALLS_PER_DAY,
} from '../../src/exact/rules';
import { maxInAnyWindow } from '../../src/simulator';
import { Harness, START_MS } from './harness';

let h: Harness;
afterEach(async () => h.stop());

const NEXT_MIDNIGHT_MS = Date.UTC(2026, 0, 16);
const BLOCKED_TOKEN_BODY = '{"error":"access_denied","error_description":"Blocked: too many errors in the last hour"}';

describe('token calls per day', () => {
  it('answers 429 with Retry-After to the 201st token call of a user in a UTC day, and serves again the next day', async () => {
    h = await new Harness().start();
    for (let call = 0; call < TOKEN_CALLS_PER_DAY; call++) {
      const answer = await h.exchange(h.codeFor());
      expect(answer.status).toBe(200);
    }
    const refused = await h.exchange(h.codeFor());
    expect(refused.status).toBe(429);
    expect(refused.body).toBe(
      '{"error":"access_denied","error_description":"Rate limit exceeded: too many token requests today"}',
    );
    expect(refused.headers['retry-after']).toBe(String((NEXT_MIDNIGHT_MS - START_MS) / 1000));
    expect(h.sim.control.counters().tokenCallsPerUser).toEqual({ 'anna@example.com': TOKEN_CALLS_PER_DAY + 1 });
    h.clock.set(NEXT_MIDNIGHT_MS);
    expect((await h.exchange(h.codeFor())).status).toBe(200);
  });

  it('counts per user: another user of the same app is not limited', async () => {
    h = await new Harness({ tokenCallsPerDay: 2 }).start();
    h.sim.control.addUser({ username: 'bob@example.com', password: 'pw-bob-123' });
    await h.newChain();
    await h.newChain();
    expect((await h.exchange(h.codeFor())).status).toBe(429);
    expect((await h.exchange(h.codeFor('bob@example.com'))).status).toBe(200);
  });
});

describe('API calls per division', () => {
  it('answers the 61st call in a minute with 429, only the minutely headers and an OData error', async () => {
    h = await new Harness().start();
    const { access_token } = await h.newChain();
    for (let call = 1; call <= 60; call++) {
      const answer = await h.me(access_token);
      expect(answer.headers['x-ratelimit-minutely-remaining']).toBe(String(60 - call));
    }
    const refused = await h.me(access_token);
    expect(refused.status).toBe(429);
    expect(refused.headers['x-ratelimit-minutely-limit']).toBe('60');
    expect(refused.headers['x-ratelimit-minutely-remaining']).toBe('0');
    expect(refused.headers['x-ratelimit-minutely-reset']).toBe(String(START_MS + 60_000));
    expect(refused.headers['x-ratelimit-limit']).toBeUndefined();
    expect(refused.headers['x-ratelimit-remaining']).toBeUndefined();
    expect(JSON.parse(refused.body)).toEqual({
      error: { code: '', message: { lang: '', value: 'API rate limit exceeded: too many calls this minute' } },
    });
    h.advanceS(60);
    const next = await h.me(access_token);
    expect(next.status).toBe(200);
    expect(next.headers['x-ratelimit-remaining']).toBe(String(API_CALLS_PER_DAY - 61));
  });

  it('answers 429 with only the daily headers once 5000 calls were made in the UTC day', async () => {
    h = await new Harness().start();
    let pair = await h.newChain();
    let pairIssuedMs = h.clock.nowMs();
    const freshAccessToken = async (): Promise<string> => {
      if (h.clock.nowMs() - pairIssuedMs >= EXACT_RULES.minRefreshIntervalS * 1000) {
        pair = JSON.parse((await h.refresh(pair.refresh_token)).body) as typeof pair;
        pairIssuedMs = h.clock.nowMs();
      }
      return pair.access_token;
    };
    for (let made = 0; made < API_CALLS_PER_DAY; made += 50) {
      const accessToken = await freshAccessToken();
      const batch = await Promise.all(Array.from({ length: 50 }, () => h.me(accessToken)));
      expect(batch.map((answer) => answer.status)).toEqual(Array.from({ length: 50 }, () => 200));
      h.advanceS(60);
    }
    const access_token = await freshAccessToken();
    const refused = await h.me(access_token);
    expect(refused.status).toBe(429);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.headers['x-ratelimit-reset']).toBe(String(NEXT_MIDNIGHT_MS));
    expect(refused.headers['x-ratelimit-minutely-limit']).toBeUndefined();
  });

  it('counts per division: a user in another division has its own minute', async () => {
    h = await new Harness().start();
    h.sim.control.addUser({ username: 'bob@example.com', password: 'pw-bob-123', division: 123 });
    const anna = await h.newChain();
    const bob = await h.newChain('bob@example.com');
    await Promise.all(Array.from({ length: 60 }, () => h.me(anna.access_token)));
    expect((await h.me(anna.access_token)).status).toBe(429);
    expect((await h.me(bob.access_token)).headers['x-ratelimit-minutely-remaining']).toBe('59');
  });
});

describe('error budget', () => {
  it('blocks the token endpoint with 403, Reason and Retry-After after 10 errors in an hour, until the block ends', async () => {
    h = await new Harness().start();
    for (let error = 0; error < ERRORS_PER_ENDPOINT_PER_HOUR; error++) {
      expect((await h.refresh('garbage')).status).toBe(400);
      h.advanceS(60);
    }
    const blocked = await h.refresh('garbage');
    expect(blocked.status).toBe(403);
    expect(blocked.body).toBe(BLOCKED_TOKEN_BODY);
    expect(blocked.headers.reason).toBe('Blocked: too many errors');
    expect(blocked.headers['retry-after']).toBe(String(EXACT_RULES.errorBlockS - 60));
    h.advanceS(EXACT_RULES.errorBlockS - 61);
    expect((await h.refresh('garbage')).status).toBe(403);
    h.advanceS(1);
    expect((await h.refresh('garbage')).status).toBe(400);
  });

  it('forgets errors older than an hour: 10 errors spread over more than an hour do not block', async () => {
    h = await new Harness().start();
    for (let error = 0; error < ERRORS_PER_ENDPOINT_PER_HOUR * 2; error++) {
      expect((await h.refresh('garbage')).status).toBe(400);
      h.advanceS(EXACT_RULES.hourS / (ERRORS_PER_ENDPOINT_PER_HOUR - 1) + 1);
    }
    const errors = h.sim.control.counters().errors;
    expect(maxInAnyWindow(errors, EXACT_RULES.hourS * 1000)).toBe(ERRORS_PER_ENDPOINT_PER_HOUR - 1);
  });

  it('counts too-early refreshes as errors and blocks only that user', async () => {
    h = await new Harness().start();
    h.sim.control.addUser({ username: 'bob@example.com', password: 'pw-bob-123' });
    const anna = await h.newChain();
    const bob = await h.newChain('bob@example.com');
    for (let error = 0; error < ERRORS_PER_ENDPOINT_PER_HOUR; error++) {
      expect((await h.refresh(anna.refresh_token)).status).toBe(400);
    }
    h.advanceS(EXACT_RULES.minRefreshIntervalS);
    const blocked = await h.refresh(anna.refresh_token);
    expect([blocked.status, blocked.body]).toEqual([403, BLOCKED_TOKEN_BODY]);
    expect((await h.refresh(bob.refresh_token)).status).toBe(200);
    expect(h.sim.control.counters().tooEarly).toBe(ERRORS_PER_ENDPOINT_PER_HOUR);
  });

  it('blocks /Me with 403 and the OData envelope after 10 unauthorized calls', async () => {
    h = await new Harness().start();
    for (let error = 0; error < ERRORS_PER_ENDPOINT_PER_HOUR; error++) {
      expect((await h.me('gAAAAbogus')).status).toBe(401);
    }
    const blocked = await h.me('gAAAAbogus');
    expect(blocked.status).toBe(403);
    expect(blocked.headers.reason).toBe('Blocked: too many errors');
    expect(blocked.headers['retry-after']).toBe(String(EXACT_RULES.errorBlockS));
    expect(JSON.parse(blocked.body)).toEqual({
      error: { code: '', message: { lang: '', value: 'Blocked: too many errors in the last hour' } },
    });
    // The token endpoint has its own budget.
    expect((await h.newChain()).token_type).toBe('bearer');
  });

  it('records every error response with its time, blocked ones included', async () => {
    h = await new Harness().start();
    for (let error = 0; error <= ERRORS_PER_ENDPOINT_PER_HOUR; error++) await h.refresh('garbage');
    const errors = h.sim.control.counters().errors;
    expect(errors).toHaveLength(ERRORS_PER_ENDPOINT_PER_HOUR + 1);
    expect(errors.at(-1)).toEqual({
      atMs: START_MS,
      endpoint: 'token',
      status: 403,
      clientId: h.app.clientId,
      subject: 'anonymous',
    });
  });
});
