import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWebhookNotifier,
  disabledWebhookNotifier,
  verifyWebhookSignature,
  WebhookConfigError,
  type WebhookEvent,
  type WebhookNotifierOptions,
} from '../../src/notify/webhooks';
import { captureLog } from '../observability/capture-log';

const SECRET = 'whsec-0123456789abcdef-test-only';
const NOW_MS = Date.UTC(2026, 4, 1, 12, 0, 0);
const NOW_S = NOW_MS / 1000;
const EVENT: WebhookEvent = {
  type: 'needs-reauth',
  alias: 'acme-bv',
  reason: 'Exact refused the stored credentials',
  at: '2026-05-01T12:00:00.000Z',
};

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver that answers each request with the next scripted status ('hang' never answers). */
async function receiver(script: (number | 'hang')[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const step = script[received.length - 1] ?? 200;
      if (step !== 'hang') res.writeHead(step, { 'Content-Type': 'text/plain' }).end(`status ${step}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/chainkeeper`, received, server };
}

describe('webhook notifications', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  async function setUp(script: (number | 'hang')[], options: Partial<WebhookNotifierOptions> = {}) {
    const hook = await receiver(script);
    servers.push(hook.server);
    const notifier = createWebhookNotifier({
      url: hook.url,
      secret: SECRET,
      now: () => NOW_MS,
      retryDelayMs: () => 0,
      ...options,
    });
    return { notifier, received: hook.received, url: hook.url };
  }

  it('POSTs the event as JSON with event, timestamp and a signature the receiver can verify', async () => {
    const { notifier, received } = await setUp([204]);

    const result = await notifier.notify(EVENT);

    expect(result).toEqual({ delivered: true, status: 204, attempts: 1 });
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(JSON.parse(request.body)).toEqual(EVENT);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-chainkeeper-event']).toBe('needs-reauth');
    expect(request.headers['x-chainkeeper-timestamp']).toBe(String(NOW_S));
    expect(request.headers['x-chainkeeper-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(request.body, request.headers, SECRET, 300, NOW_S)).toEqual({
      valid: true,
      timestamp: NOW_S,
    });
    expect(request.body).not.toContain(SECRET);
    expect(JSON.stringify(request.headers)).not.toContain(SECRET);
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp and missing headers', async () => {
    const { notifier, received } = await setUp([200]);
    await notifier.notify({ type: 'recovered', alias: 'acme-bv', at: '2026-05-01T12:00:00Z', chain: 3 });
    const [{ body, headers }] = received as [Received];

    const tampered = body.replace('"chain":3', '"chain":4');
    expect(verifyWebhookSignature(tampered, headers, SECRET, 300, NOW_S)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhookSignature(body, headers, 'another-secret-of-enough-length', 300, NOW_S)).toMatchObject({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhookSignature(body, headers, SECRET, 300, NOW_S + 301)).toMatchObject({
      valid: false,
      reason: 'stale-timestamp',
    });
    expect(verifyWebhookSignature(body, { 'content-type': 'application/json' }, SECRET, 300, NOW_S)).toMatchObject({
      valid: false,
      reason: 'missing-headers',
    });
    expect(verifyWebhookSignature(Buffer.from(body), headers, SECRET, 300, NOW_S)).toMatchObject({ valid: true });
  });

  it('retries after 503 answers and reports delivery with the number of attempts, same delivery id each time', async () => {
    const { notifier, received } = await setUp([503, 503, 200]);

    const result = await notifier.notify(EVENT);

    expect(result).toEqual({ delivered: true, status: 200, attempts: 3 });
    expect(received).toHaveLength(3);
    const ids = new Set(received.map((r) => r.headers['x-chainkeeper-delivery']));
    expect(ids.size).toBe(1);
  });

  it('gives up after the configured retries and says why', async () => {
    const capture = captureLog();
    const { notifier, received, url } = await setUp([500, 502, 503, 504, 200], { retries: 2, log: capture.log });

    const result = await notifier.notify(EVENT);

    expect(result).toEqual({ delivered: false, reason: 'receiver answered HTTP 503', status: 503, attempts: 3 });
    expect(received).toHaveLength(3);
    const logged = capture.raw.join('');
    expect(logged).toContain('webhook: notification not delivered');
    expect(logged).not.toContain(url);
    expect(logged).not.toContain(SECRET);
  });

  it('does not retry a 4xx answer', async () => {
    const { notifier, received } = await setUp([400, 200]);

    expect(await notifier.notify(EVENT)).toEqual({
      delivered: false,
      reason: 'receiver answered HTTP 400',
      status: 400,
      attempts: 1,
    });
    expect(received).toHaveLength(1);
  });

  it('times out an attempt when the receiver does not answer', async () => {
    const { notifier, received } = await setUp(['hang'], { timeoutMs: 200, retries: 0 });

    const result = await notifier.notify(EVENT);

    expect(result).toMatchObject({ delivered: false, attempts: 1 });
    expect(result.delivered === false && result.reason).toMatch(/^timeout: /);
    expect(received).toHaveLength(1);
  });

  it('retries network errors and reports them without the URL', async () => {
    const hook = await receiver([]);
    await new Promise<void>((resolve) => hook.server.close(() => resolve()));
    const notifier = createWebhookNotifier({ url: hook.url, secret: SECRET, retries: 1, retryDelayMs: () => 0 });

    const result = await notifier.notify(EVENT);

    expect(result).toMatchObject({ delivered: false, attempts: 2 });
    expect(result.delivered === false && result.reason).toMatch(/^network: .*ECONNREFUSED/);
    expect(JSON.stringify(result)).not.toContain('/hooks/chainkeeper');
  });

  it('refuses fields outside the event types and sends nothing', async () => {
    const { notifier, received } = await setUp([200]);
    const leaky = { ...EVENT, refreshToken: 'Rt-gAAAAABm1234567890refresh' } as unknown as WebhookEvent;

    const result = await notifier.notify(leaky);

    expect(result).toMatchObject({ delivered: false, attempts: 0 });
    expect(result.delivered === false && result.reason).toContain('Unrecognized key: "refreshToken"');
    expect(JSON.stringify(result)).not.toContain('Rt-gAAAAABm1234567890refresh');
    expect(received).toHaveLength(0);
  });

  it('refuses malformed events with what is wrong', async () => {
    const { notifier, received } = await setUp([200]);
    const bad = { type: 'credentials-expiring', alias: '', at: 'yesterday' } as unknown as WebhookEvent;

    const result = await notifier.notify(bad);

    expect(result.delivered).toBe(false);
    const reason = result.delivered === false ? result.reason : '';
    expect(reason).toContain('alias');
    expect(reason).toContain('expiresAt');
    expect(reason).toContain('at: must be an ISO 8601 instant');
    expect(received).toHaveLength(0);
  });

  it('rejects unusable options at creation without echoing them', () => {
    const secretUrl = 'ftp://hooks.example.test/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX';
    expect(() => createWebhookNotifier({ url: secretUrl, secret: SECRET })).toThrow(WebhookConfigError);
    expect(() => createWebhookNotifier({ url: secretUrl, secret: SECRET })).not.toThrow(/XXXXXXXX/);
    expect(() => createWebhookNotifier({ url: 'not a url', secret: SECRET })).toThrow(/cannot be parsed/);
    expect(() => createWebhookNotifier({ url: 'https://hooks.example.test', secret: 'short' })).toThrow(
      /at least 16 characters/,
    );
    expect(() => createWebhookNotifier({ url: 'https://hooks.example.test', secret: SECRET, retries: -1 })).toThrow(
      /retries/,
    );
  });

  it('reports not delivered, without sending, when webhooks are not configured', async () => {
    expect(await disabledWebhookNotifier.notify(EVENT)).toEqual({
      delivered: false,
      reason: 'webhooks are not configured',
      attempts: 0,
    });
  });
});
