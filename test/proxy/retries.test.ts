import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, readAll, startFakeExact, type FakeExact } from './fake-exact';

let fake: FakeExact;
beforeAll(async () => (fake = await startFakeExact()));
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('what the proxy sends to Exact once more, and what not', () => {
  it('sends a write once more after a 401, with the whole body, when the token has changed since', async () => {
    const bodies: string[] = [];
    fake.handler = (req, res) => {
      void readAll(req).then((body) => {
        bodies.push(body);
        if (req.headers.authorization === 'Bearer exact-token-one') res.writeHead(401).end();
        else res.writeHead(200).end(`got ${body.length}`);
      });
    };
    fake.tokens.onGet = (count) => {
      if (count > 1) fake.tokens.tokens.set('acme', 'exact-token-two');
    };
    const body = 'z'.repeat(40_000);
    const answer = await request(fake.url('/crm/Accounts'), { method: 'PUT', headers: AUTH, body });
    fake.tokens.onGet = undefined;
    expect(answer.statusCode).toBe(200);
    expect(await answer.body.text()).toBe('got 40000');
    expect(bodies.map((sent) => sent === body)).toEqual([true, true]);
    expect(fake.tokens.invalidated).toEqual(['exact-token-one']);
  });

  it('passes a 401 on when there is no other token to try', async () => {
    fake.handler = (_req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer' }).end('{"error":{}}');
    const answer = await request(fake.url('/crm/Accounts'), { headers: AUTH });
    expect(answer.statusCode).toBe(401);
    expect(answer.headers['x-chainkeeper-error']).toBeUndefined();
    expect(await answer.body.text()).toBe('{"error":{}}');
    expect(fake.seen).toHaveLength(1);
  });

  it('tries a read once more after a broken connection, never a write', async () => {
    fake.handler = (req) => req.socket.destroy();
    const read = await request(fake.url('/crm/Accounts'), { headers: AUTH });
    expect([read.statusCode, read.headers['x-chainkeeper-error']]).toEqual([502, 'chainkeeper.exact_unreachable']);
    expect(fake.seen).toHaveLength(2);
    fake.seen.length = 0;
    const write = await request(fake.url('/crm/Accounts'), { method: 'POST', headers: AUTH, body: '{}' });
    expect(write.statusCode).toBe(502);
    expect(fake.seen).toHaveLength(1);
  });

  it('answers 504 when Exact is silent past the timeout', async () => {
    fake.handler = () => undefined; // never answers
    const answer = await request(fake.url('/crm/Accounts'), { method: 'DELETE', headers: AUTH });
    expect([answer.statusCode, answer.headers['x-chainkeeper-error']]).toEqual([504, 'chainkeeper.exact_timeout']);
  });
});
