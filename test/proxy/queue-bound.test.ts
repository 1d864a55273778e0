import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../src/proxy';
import { FakeTokens, REPORTS_TOKEN } from './harness';

const QUEUE_TIMEOUT_MS = 1000;

let exact: Server;
let proxy: RunningProxy;

beforeAll(async () => {
  // An Exact whose minute is spent for the next ten minutes: nothing more may be sent to this company.
  exact = createServer((_req, res) => {
    res
      .writeHead(200, {
        date: new Date().toUTCString(),
        'x-ratelimit-minutely-limit': '60',
        'x-ratelimit-minutely-remaining': '0',
        'x-ratelimit-minutely-reset': String(Date.now() + 600_000),
      })
      .end('{"d":{}}');
  });
  await new Promise<void>((resolve) => exact.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(exact.address() as AddressInfo).port}`;
  const tokens = new FakeTokens();
  tokens.tokens.set('acme', 'exact-token-one');
  proxy = await startProxy({
    consumers: [{ name: 'reports', token: REPORTS_TOKEN, aliases: 'all' }],
    tokens,
    findTarget: () => Promise.resolve({ baseUrl, app: 'default' }),
    extraExactOrigins: [baseUrl],
    port: 0,
    limits: { queueTimeoutMs: QUEUE_TIMEOUT_MS },
  });
});
afterAll(async () => {
  await proxy.close();
  exact.closeAllConnections();
  await new Promise((resolve) => exact.close(resolve));
});

async function call(): Promise<{ status: number; code: unknown; ms: number }> {
  const started = performance.now();
  const answer = await request(`${proxy.url}/acme/api/v1/4711/crm/Accounts`, {
    headers: { authorization: `Bearer ${REPORTS_TOKEN}` },
  });
  await answer.body.dump();
  return { status: answer.statusCode, code: answer.headers['x-chainkeeper-error'], ms: performance.now() - started };
}

describe('the queue timeout', () => {
  it('bounds the whole wait of a request, also behind the requests one endpoint may have on their way', async () => {
    expect((await call()).status).toBe(200); // Exact's answer says the minute is spent
    // More requests to one endpoint than its error budget lets be on their way at once (8): the rest wait for
    // the budget before they reach the company's queue, and that wait counts toward the same timeout.
    const answers = await Promise.all(Array.from({ length: 30 }, call));
    for (const answer of answers) expect([answer.status, answer.code]).toEqual([503, 'chainkeeper.queue_timeout']);
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(QUEUE_TIMEOUT_MS + 700); // without the fix: a wave of 8 per timeout
  });
});
