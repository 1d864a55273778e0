/** How the server routes requests: login pages, Exact's case-insensitive paths, unknown paths, big bodies. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

it('hands the authorization request to the login pages', async () => {
  const query = new URLSearchParams({
    client_id: h.app.clientId,
    redirect_uri: h.app.redirectUri,
    response_type: 'code',
    state: 's',
  });
  const answer = await h.send('GET', `/api/oauth2/auth?${query.toString()}`);
  expect(answer.status).toBe(302);
  expect(answer.headers.location).toMatch(/^\/docs\/Login\.aspx\?tx=/);
});

it('matches the token and Me paths regardless of case, as ASP.NET does', async () => {
  const pair = await h.newChain();
  const me = await h.send('GET', '/API/V1/Current/ME', { headers: { authorization: `Bearer ${pair.access_token}` } });
  expect(me.status).toBe(200);
  const token = await h.send('POST', '/Api/OAuth2/Token', {
    body: 'grant_type=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(token.body).toBe('{"error":"unsupported_grant_type"}');
});

it('answers 404 for a path that is neither token, API, control nor login', async () => {
  const answer = await h.send('GET', '/api/v1/797636/crm/Accounts');
  expect([answer.status, answer.body]).toEqual([404, 'Not found']);
});

it('answers 413 to a token request body over 64 KiB', async () => {
  const answer = await h.send('POST', '/api/oauth2/token', {
    body: `grant_type=refresh_token&refresh_token=${'a'.repeat(70_000)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(answer.status).toBe(413);
  expect(answer.body).toBe('request body exceeds 65536 bytes');
});
