import { PassThrough, Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { headersToExact } from '../../src/proxy/headers';
import { AUTH, readAll, startFakeExact, type FakeExact } from './fake-exact';

let fake: FakeExact;
beforeAll(async () => (fake = await startFakeExact()));
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('the proxy passes requests and answers through', () => {
  it('sends the container’s token and the consumer’s headers, less hop-by-hop ones, and keeps Exact’s', async () => {
    fake.handler = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', connection: 'x-hop', 'x-hop': '1', 'x-exact': 'kept' });
      res.end('{"d":{}}');
    };
    const answer = await request(fake.url('/crm/Accounts'), {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', prefer: 'return=minimal', cookie: 'c=1' },
      body: '{"Name":"Acme"}',
    });
    expect(answer.statusCode).toBe(201);
    expect(await answer.body.text()).toBe('{"d":{}}');
    expect(answer.headers['x-exact']).toBe('kept');
    expect(answer.headers['x-hop']).toBeUndefined();
    const sent = fake.seen[0]!.headers;
    expect(sent).toMatchObject({
      authorization: 'Bearer exact-token-one',
      prefer: 'return=minimal',
      'content-type': 'application/json',
    });
    expect(sent.cookie).toBeUndefined();
    // What undici will not send for a consumer (`Connection` naming headers), checked on the function itself.
    expect(headersToExact({ connection: 'x-gone', 'x-gone': 'y', te: 'trailers', accept: 'a' }, 't')).toEqual({
      accept: 'a',
      authorization: 'Bearer t',
    });
  });

  it('streams the answer: the consumer reads the first part before Exact has sent the rest', async () => {
    let finish!: () => void;
    const rest = new Promise<void>((resolve) => (finish = resolve));
    fake.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part;');
      void rest.then(() => res.end('rest'));
    };
    const answer = await request(fake.url('/crm/Accounts'), { headers: AUTH });
    const reader = answer.body[Symbol.asyncIterator]();
    expect(String((await reader.next()).value)).toBe('first part;');
    finish();
    let tail = '';
    for (let next = await reader.next(); !next.done; next = await reader.next()) tail += String(next.value);
    expect(tail).toBe('rest');
  });

  it('streams the request: Exact reads the first part before the consumer has sent the rest', async () => {
    let firstArrived!: (text: string) => void;
    const arrived = new Promise<string>((resolve) => (firstArrived = resolve));
    fake.handler = (req, res) => {
      req.once('data', (chunk: Buffer) => firstArrived(chunk.toString()));
      void readAll(req).then(() => res.writeHead(204).end());
    };
    const upload = new PassThrough();
    const pending = request(fake.url('/crm/Accounts'), { method: 'POST', headers: AUTH, body: upload });
    upload.write('first;');
    expect(await arrived).toBe('first;');
    upload.end('second');
    expect((await pending).statusCode).toBe(204);
  });

  it('cuts off an upload that grows past the bound, with a 413 when it can still answer', async () => {
    fake.handler = (req, res) => void readAll(req).then(() => res.writeHead(200).end());
    const chunks = function* (): Generator<Buffer> {
      for (let i = 0; i < 100; i++) yield Buffer.alloc(1024, 'y');
    };
    const outcome = await request(fake.url('/crm/Accounts'), {
      method: 'POST',
      headers: AUTH,
      body: Readable.from(chunks()),
    }).then(
      (answer) => answer.statusCode,
      () => 'connection closed',
    );
    expect([413, 'connection closed']).toContain(outcome);
    expect(fake.seen.every((request) => request.method === 'POST')).toBe(true);
  });

  it('answers a refused upload, and serves the next request on the same connection', async () => {
    fake.handler = (_req, res) => res.writeHead(200).end('ok');
    fake.tokens.tokens.delete('acme'); // the container is gone: refused after the body started to arrive
    const agent = new Agent({ connections: 1 });
    try {
      const refused = await request(fake.url('/crm/Accounts'), {
        method: 'POST',
        headers: AUTH,
        body: Buffer.alloc(60 * 1024, 'x'),
        dispatcher: agent,
      });
      expect([refused.statusCode, refused.headers['x-chainkeeper-error']]).toEqual([404, 'chainkeeper.unknown_alias']);
      await refused.body.dump();
      fake.tokens.tokens.set('acme', 'exact-token-one');
      const next = await request(fake.url('/crm/Accounts'), { headers: AUTH, dispatcher: agent });
      expect([next.statusCode, await next.body.text()]).toEqual([200, 'ok']);
    } finally {
      await agent.close();
    }
  });
});
