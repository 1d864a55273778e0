import { afterAll, describe, expect, it } from 'vitest';
import { classifyTokenResponse, type HttpResult, type TokenGrant } from '../../src/exact';
import { leakWatch, SECRETS } from './secrets';

const leaks = leakWatch();
afterAll(() => leaks.assertNoSecrets());

const NOW = Date.UTC(2026, 0, 26, 12, 15, 18);
const json = { 'content-type': 'application/json; charset=utf-8' };

function answer(status: number, bodyText: string, headers: Record<string, string> = json): HttpResult {
  return { status, headers, bodyText };
}

function classify(result: HttpResult, grant: TokenGrant = 'refresh_token') {
  return leaks.watch(classifyTokenResponse(result, { grant, nowMs: NOW }));
}

const tokenBody = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    access_token: SECRETS.accessToken,
    token_type: 'bearer',
    expires_in: '600',
    refresh_token: SECRETS.refreshToken,
    ...overrides,
  });

describe('a 200 from the token endpoint', () => {
  it('yields the token pair when Exact sends its usual body (expires_in as the string "600")', () => {
    expect(classify(answer(200, tokenBody()))).toEqual({
      kind: 'ok',
      value: { accessToken: SECRETS.accessToken, refreshToken: SECRETS.refreshToken, expiresInS: 600 },
    });
  });

  it('accepts expires_in as a number', () => {
    const outcome = classify(answer(200, tokenBody({ expires_in: 600 })));
    expect(outcome.kind === 'ok' && outcome.value.expiresInS).toBe(600);
  });

  it('accepts token_type "Bearer" in any case', () => {
    expect(classify(answer(200, tokenBody({ token_type: 'Bearer' }))).kind).toBe('ok');
  });

  it('keeps a valid token pair even when labelled with the wrong content type, so a rotated token is not lost', () => {
    expect(classify(answer(200, tokenBody(), { 'content-type': 'text/html' })).kind).toBe('ok');
  });

  it('is a transient bad response when the body is a plain-text answer under the wrong content type', () => {
    expect(classify(answer(200, 'OK', { 'content-type': 'text/plain' }))).toMatchObject({
      kind: 'transient',
      cause: 'bad-response',
      status: 200,
    });
  });

  it('is a transient bad response when the body is an HTML page', () => {
    const outcome = classify(answer(200, '<!DOCTYPE html><html><body>Maintenance</body></html>', {}));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'bad-response', status: 200 });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('HTML page');
  });

  it('is a transient bad response when the body is empty', () => {
    const outcome = classify(answer(200, ''));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'bad-response' });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('empty body');
  });

  it('is a transient bad response when the JSON is truncated, and does not quote the partial token', () => {
    const outcome = classify(answer(200, tokenBody().slice(0, 120)));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'bad-response' });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('truncated or invalid JSON');
  });

  it('is a transient bad response naming the missing fields (not their values)', () => {
    const outcome = classify(answer(200, JSON.stringify({ access_token: SECRETS.accessToken, token_type: 'bearer' })));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'bad-response' });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('missing or invalid refresh_token');
  });

  it('keeps a pair with an odd expires_in or token_type, since Exact has already rotated the chain', () => {
    expect(classify(answer(200, tokenBody({ expires_in: '10 minutes' })))).toMatchObject({
      kind: 'ok',
      value: { expiresInS: 600 },
    });
    expect(classify(answer(200, tokenBody({ token_type: 'mac' }))).kind).toBe('ok');
  });

  it('is a transient bad response when a 200 carries an OAuth error object', () => {
    const body = '{"error":"unauthorized_client","error_description":"Old refresh token used."}';
    const outcome = classify(answer(200, body));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'bad-response', status: 200 });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('Old refresh token used.');
  });
});

describe('no answer from the token endpoint', () => {
  it('is transient network on a connection failure', () => {
    const result: HttpResult = { failure: 'network', detail: 'other side closed (UND_ERR_SOCKET)' };
    expect(classify(result)).toMatchObject({ kind: 'transient', cause: 'network' });
  });

  it('is transient timeout when headers or body did not arrive in time', () => {
    const result: HttpResult = { failure: 'timeout', detail: 'Headers Timeout Error (UND_ERR_HEADERS_TIMEOUT)' };
    expect(classify(result)).toMatchObject({ kind: 'transient', cause: 'timeout' });
  });
});

describe('server errors', () => {
  it('is a transient server error with the Retry-After seconds on a 503', () => {
    expect(classify(answer(503, '', { 'retry-after': '120' }))).toMatchObject({
      kind: 'transient',
      cause: 'server-error',
      status: 503,
      retryAfterS: 120,
    });
  });

  it("reads Retry-After given as an HTTP date against Exact's Date header", () => {
    const headers = { 'retry-after': 'Mon, 26 Jan 2026 12:16:18 GMT', date: 'Mon, 26 Jan 2026 12:15:48 GMT' };
    expect(classify(answer(503, '', headers))).toMatchObject({ retryAfterS: 30 });
  });

  it('is a transient server error on an HTML error page with any 5xx status', () => {
    const outcome = classify(answer(502, '<html><head><title>502 Bad Gateway</title></head></html>', {}));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'server-error', status: 502, retryAfterS: undefined });
  });
});

describe('rate limits', () => {
  const minutely = {
    'x-ratelimit-minutely-limit': '60',
    'x-ratelimit-minutely-remaining': '0',
    'x-ratelimit-minutely-reset': String(NOW + 42_000),
  };

  it('is minutely with the seconds until X-RateLimit-Minutely-Reset on a 429', () => {
    const outcome = classify(answer(429, '', minutely));
    expect(outcome).toMatchObject({ kind: 'rate-limited', scope: 'minutely', retryAfterS: 42 });
    expect(outcome.kind === 'rate-limited' && outcome.rateLimits).toEqual({
      minutelyLimit: 60,
      minutelyRemaining: 0,
      minutelyResetMs: NOW + 42_000,
    });
  });

  it("measures the minutely wait on Exact's clock (Date header) when ours is skewed", () => {
    const headers = { ...minutely, date: new Date(NOW + 30_000).toUTCString() };
    expect(classify(answer(429, '', headers))).toMatchObject({ scope: 'minutely', retryAfterS: 12 });
  });

  it('waits at least one second when the minutely reset is already past', () => {
    const headers = { ...minutely, 'x-ratelimit-minutely-reset': String(NOW - 5_000) };
    expect(classify(answer(429, '', headers))).toMatchObject({ scope: 'minutely', retryAfterS: 1 });
  });

  it('is daily when the daily headers say the day is used up', () => {
    const reset = Date.UTC(2026, 0, 27);
    const headers = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) };
    expect(classify(answer(429, '', headers))).toMatchObject({
      kind: 'rate-limited',
      scope: 'daily',
      retryAfterS: (reset - NOW) / 1000,
    });
  });

  it('is daily, until midnight UTC, when the body speaks of token requests per day', () => {
    const body = '{"error":"access_denied","error_description":"Maximum of 200 token requests per day reached"}';
    expect(classify(answer(429, body))).toMatchObject({
      kind: 'rate-limited',
      scope: 'daily',
      retryAfterS: (Date.UTC(2026, 0, 27) - NOW) / 1000,
    });
  });

  it('is unknown with Retry-After, or 60 s, when a 429 carries no rate-limit headers', () => {
    expect(classify(answer(429, '', { 'retry-after': '17' }))).toMatchObject({ scope: 'unknown', retryAfterS: 17 });
    expect(classify(answer(429, '', {}))).toMatchObject({ scope: 'unknown', retryAfterS: 60 });
  });

  it('is blocked with Retry-After when a 403 carries Reason: Blocked', () => {
    const headers = { reason: 'Blocked: too many errors', 'retry-after': '1800' };
    expect(classify(answer(403, '', headers))).toMatchObject({
      kind: 'rate-limited',
      scope: 'blocked',
      retryAfterS: 1800,
    });
  });

  it('is blocked for an hour when only the body says "Blocked: too many errors"', () => {
    expect(classify(answer(403, 'Blocked: too many errors', {}))).toMatchObject({
      scope: 'blocked',
      retryAfterS: 3600,
    });
  });
});

describe('too early', () => {
  it('is too-early on 400 access_denied "Rate limit exceeded: access_token not expired" (current behaviour)', () => {
    const body = '{ "error":"access_denied","error_description":"Rate limit exceeded: access_token not expired" }';
    const headers = { ...json, reason: 'TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired' };
    const outcome = classify(answer(400, body, headers));
    expect(outcome).toEqual({ kind: 'too-early', detail: expect.stringContaining('itgeneor361') as string });
    expect(outcome.kind === 'too-early' && outcome.waitS).toBeUndefined();
    expect(outcome.kind === 'too-early' && outcome.detail).toContain('HTTP 400 access_denied');
  });

  it('is too-early on the Reason header TooEarlyToRefreshTokens alone', () => {
    expect(classify(answer(400, '', { reason: 'TooEarlyToRefreshTokens: something new' })).kind).toBe('too-early');
  });

  it('is too-early on the legacy 401 "Access Token not expired"', () => {
    expect(classify(answer(401, '', { reason: 'Access Token not expired' })).kind).toBe('too-early');
    expect(classify(answer(401, 'Access Token not expired', { 'content-type': 'text/plain' })).kind).toBe('too-early');
  });
});

describe('a broken chain', () => {
  it('is old-refresh-token on 401 unauthorized_client "Old refresh token used."', () => {
    const body = '{"error":"unauthorized_client","error_description":"Old refresh token used."}';
    const outcome = classify(answer(401, body));
    expect(outcome).toMatchObject({ kind: 'chain-broken', chainBreak: 'old-refresh-token', status: 401 });
    expect(outcome.kind !== 'ok' && outcome.detail).toMatch(
      /HTTP 401 unauthorized_client: Old refresh token used\..*itgenoda494/,
    );
  });

  it('is invalid-chain on 400 invalid_grant "invalid or empty chainId"', () => {
    const body =
      '{ "error":"invalid_grant","error_description":"Token is not allowed, because of invalid or empty chainId" }';
    const headers = { ...json, reason: 'Unknown: Token is not allowed, because of invalid or empty chainId' };
    expect(classify(answer(400, body, headers))).toMatchObject({
      kind: 'chain-broken',
      chainBreak: 'invalid-chain',
      status: 400,
    });
  });

  it('is invalid-chain for a stale authorization code too, and says it was the code exchange', () => {
    const body =
      '{ "error":"invalid_grant","error_description":"Token is not allowed, because of invalid or empty chainId" }';
    const outcome = classify(answer(400, body), 'authorization_code');
    expect(outcome).toMatchObject({ kind: 'chain-broken', chainBreak: 'invalid-chain' });
    expect(outcome.kind !== 'ok' && outcome.detail).toMatch(/^exchanging the authorization code: /);
  });

  it('is refresh-token-expired on 400 invalid_request "The refresh token expired at …"', () => {
    const body =
      '{"error":"invalid_request","error_description":"The refresh token expired at 10\\/11\\/2022 9:18:20 PM and it is now 10\\/28\\/2022 4:15:50 PM."}';
    const outcome = classify(answer(400, body));
    expect(outcome).toMatchObject({ kind: 'chain-broken', chainBreak: 'refresh-token-expired', status: 400 });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('expired at 10/11/2022 9:18:20 PM');
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('itgeneor362');
  });

  it('is unknown-grant on another invalid_grant', () => {
    const body = '{"error":"invalid_grant","error_description":"The authorization code has expired."}';
    expect(classify(answer(400, body), 'authorization_code')).toMatchObject({
      kind: 'chain-broken',
      chainBreak: 'unknown-grant',
    });
  });

  it('removes a token that Exact (or a proxy) echoes in the description', () => {
    const body = JSON.stringify({
      error: 'invalid_grant',
      error_description: `Token ${SECRETS.refreshToken} is not allowed, because of invalid or empty chainId`,
    });
    const outcome = classify(answer(400, body));
    expect(outcome).toMatchObject({ kind: 'chain-broken', chainBreak: 'invalid-chain' });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('Token [redacted] is not allowed');
  });
});

describe('a misconfigured app', () => {
  it('is redirect-uri on invalid_grant mentioning the redirect_uri', () => {
    const body = '{"error":"invalid_grant","error_description":"The redirect_uri does not match the registered one"}';
    expect(classify(answer(400, body), 'authorization_code')).toMatchObject({
      kind: 'misconfigured',
      problem: 'redirect-uri',
      status: 400,
    });
  });

  it('is invalid-client on 401 or 400 invalid_client', () => {
    const body = '{"error":"invalid_client","error_description":"Client authentication failed"}';
    expect(classify(answer(401, body))).toMatchObject({
      kind: 'misconfigured',
      problem: 'invalid-client',
      status: 401,
    });
    expect(classify(answer(400, body))).toMatchObject({
      kind: 'misconfigured',
      problem: 'invalid-client',
      status: 400,
    });
  });

  it('is bad-request on unsupported_grant_type', () => {
    const body = '{"error":"unsupported_grant_type","error_description":"The grant type is not supported"}';
    expect(classify(answer(400, body))).toMatchObject({ kind: 'misconfigured', problem: 'bad-request', status: 400 });
  });

  it('is bad-request on another invalid_request', () => {
    const body = '{"error":"invalid_request","error_description":"Missing parameter: client_id"}';
    expect(classify(answer(400, body))).toMatchObject({ kind: 'misconfigured', problem: 'bad-request' });
  });

  it('is scope when "Application Scope Violated" appears anywhere', () => {
    expect(classify(answer(403, 'Application Scope Violated', {}))).toMatchObject({
      kind: 'misconfigured',
      problem: 'scope',
      status: 403,
    });
    expect(classify(answer(401, '', { reason: 'Forbidden: Application Scope Violated' }))).toMatchObject({
      problem: 'scope',
    });
  });

  it('is bad-request on any other 4xx, such as an HTML 404 from a wrong base URL', () => {
    const outcome = classify(answer(404, '<html><body>Not Found</body></html>', { 'content-type': 'text/html' }));
    expect(outcome).toMatchObject({ kind: 'misconfigured', problem: 'bad-request', status: 404 });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('HTTP 404 with an HTML page');
  });
});

describe('the human detail', () => {
  it('caps a long description at 200 characters of what Exact said', () => {
    const body = JSON.stringify({ error: 'invalid_request', error_description: 'word '.repeat(300) });
    const outcome = classify(answer(400, body));
    expect(outcome.kind !== 'ok' && outcome.detail.length).toBeLessThan(300);
  });

  it('treats an unexpected redirect as transient and points at the base URL', () => {
    const outcome = classify(answer(302, '', { location: 'https://start.exactonline.nl/docs/Login.aspx' }));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'bad-response', status: 302 });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('check the base URL');
  });
});
