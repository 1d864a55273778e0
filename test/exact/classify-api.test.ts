import { afterAll, describe, expect, it } from 'vitest';
import { classifyApiResponse, parseMe, type HttpResult } from '../../src/exact';
import { leakWatch } from './secrets';

const leaks = leakWatch();
afterAll(() => leaks.assertNoSecrets());

const NOW = Date.UTC(2021, 11, 2, 12, 15, 30);
const rateHeaders = {
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': '4980',
  'x-ratelimit-reset': '1638489600000',
  'x-ratelimit-minutely-limit': '60',
  'x-ratelimit-minutely-remaining': '49',
  'x-ratelimit-minutely-reset': '1638447360000',
};
const allLimits = {
  dailyLimit: 5000,
  dailyRemaining: 4980,
  dailyResetMs: 1638489600000,
  minutelyLimit: 60,
  minutelyRemaining: 49,
  minutelyResetMs: 1638447360000,
};

// Exact's /Me answer (facts §4.3).
const meBody = JSON.stringify({
  d: {
    results: [
      {
        __metadata: {
          uri: "https://start.exactonline.nl/api/v1/current/Me(guid'29dee5ea-9132-474c-b188-e8364ecebadd')",
          type: 'Exact.Web.Api.System.Me',
        },
        CurrentDivision: 797636,
        FullName: 'Marthyn Olthof',
        UserID: '29dee5ea-9132-474c-b188-e8364ecebadd',
        UserName: 'MarthynOlthof',
        LanguageCode: 'nl-NL',
        Legislation: '1',
      },
    ],
  },
});

function answer(status: number, bodyText: string, headers: Record<string, string> = {}): HttpResult {
  return { status, headers: { 'content-type': 'application/json', ...headers }, bodyText };
}

const classify = (result: HttpResult) => leaks.watch(classifyApiResponse(result, parseMe, { nowMs: NOW }));

describe('the /Me answer', () => {
  it('yields the user and all six rate-limit headers (epoch ms)', () => {
    expect(classify(answer(200, meBody, rateHeaders))).toEqual({
      kind: 'ok',
      value: {
        userId: '29dee5ea-9132-474c-b188-e8364ecebadd',
        userName: 'MarthynOlthof',
        fullName: 'Marthyn Olthof',
        currentDivision: 797636,
      },
      rateLimits: allLimits,
    });
  });

  it('reads a $select-ed answer that has only some fields', () => {
    const body =
      '{"d":{"results":[{"__metadata":{"type":"Exact.Web.Api.System.Me"},"CurrentDivision":7095,"UserID":"u-1"}]}}';
    expect(classify(answer(200, body))).toEqual({
      kind: 'ok',
      value: { userId: 'u-1', userName: undefined, fullName: undefined, currentDivision: 7095 },
      rateLimits: undefined,
    });
  });

  it('is a transient bad response when the results are empty, keeping the rate limits', () => {
    expect(classify(answer(200, '{"d":{"results":[]}}', rateHeaders))).toMatchObject({
      kind: 'transient',
      cause: 'bad-response',
      rateLimits: allLimits,
    });
  });

  it('is a transient bad response on an HTML login page', () => {
    const outcome = classify(answer(200, '<html><title>Exact Online</title></html>', { 'content-type': 'text/html' }));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'bad-response', status: 200 });
  });

  it('is a transient bad response when the parser throws', () => {
    const outcome = leaks.watch(
      classifyApiResponse(answer(200, '{}'), () => {
        throw new Error('boom');
      }),
    );
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'bad-response' });
  });
});

describe('API failures', () => {
  it('is transient unauthorized-api on a 401, with the OData error message as detail', () => {
    const body = '{"error":{"code":"","message":{"lang":"","value":"Unauthorized: the access token is not valid"}}}';
    const outcome = classify(answer(401, body, rateHeaders));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'unauthorized-api', status: 401, rateLimits: allLimits });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('HTTP 401 Unauthorized: the access token is not valid');
  });

  it('is misconfigured scope on "Application Scope Violated"', () => {
    const body = '{"error":{"code":"","message":{"lang":"","value":"Application Scope Violated"}}}';
    expect(classify(answer(403, body))).toMatchObject({ kind: 'misconfigured', problem: 'scope', status: 403 });
  });

  it('is rate-limited minutely on a 429 that carries only the minutely headers', () => {
    const headers = {
      'x-ratelimit-minutely-limit': '60',
      'x-ratelimit-minutely-remaining': '0',
      'x-ratelimit-minutely-reset': String(NOW + 30_000),
    };
    expect(classify(answer(429, '', headers))).toMatchObject({
      kind: 'rate-limited',
      scope: 'minutely',
      retryAfterS: 30,
      rateLimits: { minutelyLimit: 60, minutelyRemaining: 0, minutelyResetMs: NOW + 30_000 },
    });
  });

  it('is rate-limited daily when both windows are reported and the daily one is empty', () => {
    const headers = { ...rateHeaders, 'x-ratelimit-remaining': '0' };
    expect(classify(answer(429, '', headers))).toMatchObject({ scope: 'daily' });
  });

  it('is rate-limited blocked on a 403 with Reason: Blocked', () => {
    expect(classify(answer(403, '', { reason: 'Blocked: too many errors' }))).toMatchObject({ scope: 'blocked' });
  });

  it('is a transient server error on a 500 with an OData error', () => {
    const body = '{"error":{"code":"","message":{"lang":"","value":"An error has occurred."}}}';
    expect(classify(answer(500, body))).toMatchObject({ kind: 'transient', cause: 'server-error', status: 500 });
  });

  it('is misconfigured bad-request on another 4xx', () => {
    expect(classify(answer(404, '', {}))).toMatchObject({ kind: 'misconfigured', problem: 'bad-request', status: 404 });
  });

  it('is transient network or timeout when no answer came', () => {
    expect(classify({ failure: 'network', detail: 'connect ECONNREFUSED 127.0.0.1:9' })).toMatchObject({
      kind: 'transient',
      cause: 'network',
    });
    expect(classify({ failure: 'timeout', detail: 'Body Timeout Error' })).toMatchObject({ cause: 'timeout' });
  });
});
