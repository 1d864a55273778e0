/** GET /api/v1/current/Me: the OData record, the rate-limit headers and the 401s. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXACT_RULES } from '../../src/exact/rules';
import { Harness, START_MS } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

const UNAUTHORIZED = {
  error: {
    code: '',
    message: { lang: '', value: 'This request is not authorized: the access token is missing, invalid or expired.' },
  },
};
const NEXT_MIDNIGHT_MS = Date.UTC(2026, 0, 16);
const NEXT_MINUTE_MS = START_MS + 60_000;

it('answers 200 with the OData Me record of the token user and six rate-limit headers', async () => {
  const { access_token } = await h.newChain();
  const answer = await h.me(access_token);
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(JSON.parse(answer.body)).toEqual({
    d: {
      results: [
        {
          __metadata: {
            uri: `${h.baseUrl}/api/v1/current/Me(guid'${h.user.id}')`,
            type: 'Exact.Web.Api.System.Me',
          },
          CurrentDivision: 797636,
          FullName: 'Anna Example',
          UserID: h.user.id,
          UserName: 'anna@example.com',
          LanguageCode: 'nl-NL',
          Legislation: '1',
          Email: 'anna@example.com',
          FirstName: 'Anna',
          LastName: 'Example',
          Language: 'NL',
        },
      ],
    },
  });
  expect(answer.body).toContain(`"uri":"${h.baseUrl}/api/v1/current/Me(`);
  expect(answer.headers).toMatchObject({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(NEXT_MIDNIGHT_MS),
    'x-ratelimit-minutely-limit': '60',
    'x-ratelimit-minutely-remaining': '59',
    'x-ratelimit-minutely-reset': String(NEXT_MINUTE_MS),
  });
});

it('returns only the properties named in $select', async () => {
  const { access_token } = await h.newChain();
  const answer = await h.me(access_token, '?$select=CurrentDivision');
  const record = (JSON.parse(answer.body) as { d: { results: Record<string, unknown>[] } }).d.results[0];
  expect(Object.keys(record ?? {})).toEqual(['__metadata', 'CurrentDivision']);
});

it('answers 401 with the OData envelope and WWW-Authenticate when no token is sent', async () => {
  const answer = await h.me(undefined);
  expect(answer.status).toBe(401);
  expect(answer.headers['www-authenticate']).toBe('Bearer');
  expect(JSON.parse(answer.body)).toEqual(UNAUTHORIZED);
});

it('answers 401 for an unknown access token', async () => {
  const answer = await h.me('gAAAAnot-a-real-token');
  expect([answer.status, JSON.parse(answer.body)]).toEqual([401, UNAUTHORIZED]);
  expect(answer.headers['www-authenticate']).toBe('Bearer');
});

it('accepts an access token until 600 s after it was issued and answers 401 from then on', async () => {
  const { access_token } = await h.newChain();
  h.advanceS(EXACT_RULES.accessTokenTtlS - 1);
  expect((await h.me(access_token)).status).toBe(200);
  h.advanceS(1);
  const expired = await h.me(access_token);
  expect([expired.status, JSON.parse(expired.body)]).toEqual([401, UNAUTHORIZED]);
  expect(expired.body).not.toContain(access_token);
});

it('keeps the previous access token valid for its lifetime after a refresh', async () => {
  const first = await h.newChain();
  h.advanceS(EXACT_RULES.minRefreshIntervalS);
  await h.refresh(first.refresh_token);
  expect((await h.me(first.access_token)).status).toBe(200);
});

it('answers 405 to a POST on /Me', async () => {
  expect((await h.send('POST', '/api/v1/current/Me')).status).toBe(405);
});

it('counts every /Me call with its status', async () => {
  const { access_token } = await h.newChain();
  await h.me(access_token);
  await h.me(undefined);
  expect(h.sim.control.counters().meCalls).toEqual([
    { atMs: START_MS, clientId: h.app.clientId, userId: h.user.id, division: 797636, status: 200 },
    { atMs: START_MS, status: 401 },
  ]);
});
