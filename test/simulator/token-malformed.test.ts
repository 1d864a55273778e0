/** Malformed token requests: each gets its own status and error body, and none changes the chain. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXACT_RULES } from '../../src/exact/rules';
import { Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

const INVALID_CLIENT = '{"error":"invalid_client","error_description":"Client authentication failed"}';

it('answers 400 unsupported_grant_type when grant_type is missing', async () => {
  const answer = await h.post('/api/oauth2/token', { client_id: h.app.clientId, client_secret: h.app.clientSecret });
  expect([answer.status, answer.body]).toEqual([400, '{"error":"unsupported_grant_type"}']);
});

it('answers 400 unsupported_grant_type for an unknown grant_type', async () => {
  const answer = await h.refresh('x', { grant_type: 'password' });
  expect([answer.status, answer.body]).toEqual([400, '{"error":"unsupported_grant_type"}']);
});

it('answers 401 invalid_client for an unknown client id', async () => {
  const pair = await h.newChain();
  h.advanceS(EXACT_RULES.minRefreshIntervalS);
  const answer = await h.refresh(pair.refresh_token, { client_id: '{00000000-0000-0000-0000-000000000000}' });
  expect([answer.status, answer.body]).toEqual([401, INVALID_CLIENT]);
});

it('answers 401 invalid_client for a wrong client secret, without echoing the secret', async () => {
  const pair = await h.newChain();
  h.advanceS(EXACT_RULES.minRefreshIntervalS);
  const answer = await h.refresh(pair.refresh_token, { client_secret: 'wrong-secret' });
  expect([answer.status, answer.body]).toEqual([401, INVALID_CLIENT]);
  expect(answer.body).not.toContain(h.app.clientSecret);
  // The chain is untouched: the right secret still refreshes with the same token.
  expect((await h.refresh(pair.refresh_token)).status).toBe(200);
});

it('answers 400 invalid_grant when the redirect_uri differs from the authorization request, and keeps the code', async () => {
  const code = h.codeFor();
  const answer = await h.exchange(code, { redirect_uri: 'http://127.0.0.1:18871/other' });
  expect(answer.status).toBe(400);
  expect(answer.body).toBe(
    '{"error":"invalid_grant","error_description":"The redirect_uri does not match the authorization request"}',
  );
  expect((await h.exchange(code)).status).toBe(200);
});

it('answers 400 invalid_request when the body is not form-encoded', async () => {
  const answer = await h.send('POST', '/api/oauth2/token', {
    body: JSON.stringify({ grant_type: 'refresh_token' }),
    headers: { 'content-type': 'application/json' },
  });
  expect(answer.status).toBe(400);
  expect(answer.body).toBe(
    '{"error":"invalid_request","error_description":"Content-Type must be application\\/x-www-form-urlencoded"}',
  );
});

it('accepts a form content type with a charset parameter', async () => {
  const answer = await h.post(
    '/api/oauth2/token',
    { grant_type: 'x' },
    'application/x-www-form-urlencoded; charset=UTF-8',
  );
  expect(answer.body).toBe('{"error":"unsupported_grant_type"}');
});

it('answers 400 Missing parameter: refresh_token when the field is absent', async () => {
  const answer = await h.post('/api/oauth2/token', {
    grant_type: 'refresh_token',
    client_id: h.app.clientId,
    client_secret: h.app.clientSecret,
  });
  expect(answer.status).toBe(400);
  expect(answer.body).toBe('{"error":"invalid_request","error_description":"Missing parameter: refresh_token"}');
});

it('answers 400 Missing parameter: code when the field is absent', async () => {
  const answer = await h.post('/api/oauth2/token', {
    grant_type: 'authorization_code',
    redirect_uri: h.app.redirectUri,
    client_id: h.app.clientId,
    client_secret: h.app.clientSecret,
  });
  expect([answer.status, answer.body]).toEqual([
    400,
    '{"error":"invalid_request","error_description":"Missing parameter: code"}',
  ]);
});

it('answers 405 to a GET on the token endpoint', async () => {
  const answer = await h.send('GET', '/api/oauth2/token');
  expect(answer.status).toBe(405);
  expect(answer.headers.allow).toBe('POST');
});

it('records each malformed call as an error of the token endpoint', async () => {
  await h.post('/api/oauth2/token', {});
  await h.refresh('x', { client_secret: 'nope' });
  const counters = h.sim.control.counters();
  expect(counters.errors.map((error) => [error.endpoint, error.status])).toEqual([
    ['token', 400],
    ['token', 401],
  ]);
  expect(counters.tokenCalls.map((call) => call.outcome)).toEqual(['bad-request', 'invalid-client']);
});
