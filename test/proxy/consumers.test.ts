import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/simulator';
import { LIMITED_TOKEN, REPORTS_TOKEN, startProxyHarness, type ProxyHarness } from './harness';

let h: ProxyHarness;
let exactToken: string;

beforeAll(async () => {
  h = await startProxyHarness({
    clock: new ManualClock(Date.UTC(2026, 0, 15, 10, 0, 0)),
    proxy: { maxRequestBytes: 4096 },
  });
  exactToken = (await h.newToken('anna@example.com')).accessToken;
  h.tokens.tokens.set('acme', exactToken);
  h.tokens.tokens.set('globex', exactToken);
});
afterAll(() => h.close());

/** The proxy's own error, as a consumer reads it. */
function proxyError(answer: { headers: Record<string, unknown>; body: string }): { code: string; message: string } {
  const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
  expect(answer.headers['x-chainkeeper-error']).toBe(error.code);
  return error;
}

describe('who may call the proxy', () => {
  it('forwards a known consumer with the container’s token, keeping Exact’s status, headers and body', async () => {
    const answer = await h.call('/acme/api/v1/current/Me?$select=UserName');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ d: { results: [{ UserName: 'anna@example.com' }] } });
    expect(answer.headers['x-ratelimit-minutely-limit']).toBe('60');
    expect(answer.headers['content-type']).toMatch(/application\/json/);
  });

  it('refuses a request without a token, or with an unknown one, as its own 401', async () => {
    const none = await request(`${h.proxy.url}/acme/api/v1/current/Me`);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(proxyError({ headers: none.headers, body: await none.body.text() }).code).toBe('chainkeeper.unauthorized');
    const wrong = await h.call('/acme/api/v1/current/Me', { token: `${REPORTS_TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(proxyError(wrong).message).toBe('this consumer token is not known to the proxy.');
  });

  it('keeps a consumer to its aliases', async () => {
    expect((await h.call('/acme/api/v1/current/Me', { token: LIMITED_TOKEN })).status).toBe(200);
    const refused = await h.call('/globex/api/v1/current/Me', { token: LIMITED_TOKEN });
    expect(refused.status).toBe(403);
    expect(proxyError(refused)).toEqual({
      code: 'chainkeeper.alias_not_allowed',
      message: 'consumer "limited" may not use container "globex".',
    });
  });

  it('answers unknown containers and paths outside the API itself', async () => {
    const unknown = await h.call('/nobody/api/v1/current/Me');
    expect([unknown.status, proxyError(unknown).code]).toEqual([404, 'chainkeeper.unknown_alias']);
    for (const path of ['/acme/api/oauth2/token', '/acme/api/v1/../oauth2/token', '/acme/api/v1/%2e%2e/x/y', '/acme']) {
      const answer = await h.call(path);
      expect([path, answer.status, proxyError(answer).code]).toEqual([path, 404, 'chainkeeper.not_found']);
    }
    const head = await h.call('/acme/api/v1/current/Me', { method: 'PUT', body: '{}' });
    expect(head.status).toBe(405); // Exact's own answer: /Me takes GET
    expect(head.headers['x-chainkeeper-error']).toBeUndefined();
  });
});

describe('request size', () => {
  it('refuses a body over the bound before anything reaches Exact, declared or streamed', async () => {
    const before = h.sim.control.counters().meCalls.length;
    const declared = await h.call('/acme/api/v1/4711/crm/Accounts', { method: 'POST', body: 'x'.repeat(5000) });
    expect([declared.status, proxyError(declared).code]).toEqual([413, 'chainkeeper.request_too_large']);

    const chunks = function* (): Generator<Buffer> {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(1000, 'y');
    };
    const streamed = await request(`${h.proxy.url}/acme/api/v1/4711/crm/Accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${REPORTS_TOKEN}` },
      body: Readable.from(chunks()),
    }).then(
      async (answer) => ({ status: answer.statusCode, body: await answer.body.text() }),
      (error: unknown) => ({ status: 0, body: String(error) }),
    );
    // Either the 413 arrives, or the proxy closed the connection on the oversized upload: never a forward.
    if (streamed.status !== 0) expect(streamed.status).toBe(413);
    expect(h.sim.control.counters().meCalls.length).toBe(before);
  });
});

describe('the log', () => {
  it('names consumer, alias, method, endpoint, status and time of every request, and never a token', () => {
    const lines = h.log.lines.filter((line) => line.msg === 'proxy request');
    expect(lines.length).toBeGreaterThan(5);
    expect(lines[0]).toMatchObject({
      consumer: 'reports',
      alias: 'acme',
      method: 'GET',
      endpoint: 'current/me',
      status: 200,
      ms: expect.any(Number) as number,
    });
    const text = h.log.raw.join('\n');
    for (const secret of [exactToken, REPORTS_TOKEN, LIMITED_TOKEN, `${REPORTS_TOKEN}x`]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(0, 20));
    }
    expect(text).not.toContain('$select'); // query strings may hold a consumer's data: not logged either
  });
});
