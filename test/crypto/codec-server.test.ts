import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CodecServerConfigError,
  startCodecServer,
  type CodecServer,
  type CodecServerOptions,
} from '../../src/crypto/codec-server';
import { generateHistoryKey } from '../../src/crypto/history-keys';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';

const SECRET = 'totp-secret-JBSWY3DPEHPK3PXP';
/** A bearer token as an operator makes one (`openssl rand -base64 32`): 32 characters at least. */
const ADMIN_TOKEN = 'admin-token-1-0123456789abcdefghijk';
const UI = 'http://localhost:8233';

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload.metadata ?? {})) metadata[k] = Buffer.from(v ?? []).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}

function fromJson(json: JsonPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(json.metadata)) metadata[k] = Buffer.from(v, 'base64');
  return { metadata, data: Buffer.from(json.data, 'base64') };
}

async function codec(): Promise<SodiumPayloadCodec> {
  const key = await generateHistoryKey();
  return SodiumPayloadCodec.create({ currentKeyId: key.id, keys: new Map([[key.id, key.key]]) });
}

describe('codec server', () => {
  let server: CodecServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: Partial<CodecServerOptions> = {}): Promise<CodecServer> {
    server = await startCodecServer({ codec: await codec(), ...options });
    return server;
  }

  function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server!.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
      body,
    });
  }

  it('listens on loopback and round-trips payloads through /encode and /decode', async () => {
    await start();
    expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const plain = [defaultPayloadConverter.toPayload({ password: SECRET }), defaultPayloadConverter.toPayload(7)];
    const encodeResponse = await post('/encode', JSON.stringify({ payloads: plain.map(toJson) }));
    expect(encodeResponse.status).toBe(200);
    expect(encodeResponse.headers.get('content-type')).toBe('application/json');
    const encodedText = await encodeResponse.text();
    expect(encodedText).not.toContain(Buffer.from(JSON.stringify({ password: SECRET })).toString('base64'));
    const encoded = (JSON.parse(encodedText) as { payloads: JsonPayload[] }).payloads;
    expect(encoded.map((p) => Buffer.from(p.metadata.encoding!, 'base64').toString())).toEqual([
      'binary/encrypted',
      'binary/encrypted',
    ]);

    const decodeResponse = await post('/decode', JSON.stringify({ payloads: encoded }));
    expect(decodeResponse.status).toBe(200);
    const decoded = ((await decodeResponse.json()) as { payloads: JsonPayload[] }).payloads.map(fromJson);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ password: SECRET }, 7]);
  });

  it('decodes payloads another instance of the same codec encrypted, as the UI shows worker history', async () => {
    const shared = await codec();
    server = await startCodecServer({ codec: shared });
    const [encrypted] = await shared.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const response = await post('/decode', JSON.stringify({ payloads: [toJson(encrypted!)] }));
    const body = (await response.json()) as { payloads: JsonPayload[] };
    expect(defaultPayloadConverter.fromPayload(fromJson(body.payloads[0]!))).toBe(SECRET);
  });

  it('answers a CORS preflight from the Web UI origin with credentialed CORS headers, without a token', async () => {
    await start({ authToken: ADMIN_TOKEN });
    const response = await fetch(`${server!.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-namespace, content-type, authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI);
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, GET, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'X-Namespace, Content-Type, Authorization, Authorization-Extras',
    );
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('puts CORS headers on responses to the allowed origin and refuses other origins', async () => {
    await start({ allowedOrigins: ['http://127.0.0.1:8233'] });
    const ok = await post('/encode', JSON.stringify({ payloads: [] }), { Origin: 'http://127.0.0.1:8233' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(await ok.json()).toEqual({ payloads: [] });

    const foreign = await post('/decode', JSON.stringify({ payloads: [] }), { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 401 to requests without the bearer token and serves those with it', async () => {
    await start({ authToken: ADMIN_TOKEN });
    const body = JSON.stringify({ payloads: [] });
    const missing = await post('/decode', body, { Origin: UI });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.headers.get('access-control-allow-origin')).toBe(UI);
    expect((await post('/decode', body, { Authorization: `Bearer ${ADMIN_TOKEN}x` })).status).toBe(401);
    expect((await post('/decode', body, { Authorization: `Basic ${ADMIN_TOKEN}` })).status).toBe(401);
    expect((await post('/decode', body, { Authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200);
  });

  it.each([
    ['text that is not JSON', `{"payloads": [${SECRET}`, 'request body is not valid JSON'],
    [
      'JSON without a payloads array',
      JSON.stringify({ items: [] }),
      'request body must be an object with a "payloads" array',
    ],
    ['a payload that is not an object', JSON.stringify({ payloads: [SECRET] }), 'payloads[0] must be an object'],
    [
      'data that is not base64',
      JSON.stringify({ payloads: [{ metadata: {}, data: `${SECRET}!` }] }),
      'payloads[0].data must be a base64 string',
    ],
    [
      'metadata that is not base64',
      JSON.stringify({ payloads: [{ metadata: { encoding: 42 }, data: '' }] }),
      'payloads[0].metadata.encoding must be a base64 string',
    ],
  ])('answers 400 to %s, saying what was wrong without echoing the body', async (_, body, message) => {
    await start();
    const response = await post('/decode', body);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: message });
    expect(text).not.toContain(SECRET);
  });

  it('answers 422 naming the key id, and no plaintext, when a payload cannot be decrypted', async () => {
    const other = await codec();
    await start();
    const [foreign] = await other.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const response = await post('/decode', JSON.stringify({ payloads: [toJson(foreign!)] }));
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).toContain(other.currentKeyId);
    expect(text).not.toContain(SECRET);
  });

  it('answers 413 to a body over the size cap, 415 to a non-JSON content type, 404 and 405 to other routes', async () => {
    await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ payloads: [{ metadata: {}, data: Buffer.alloc(2048).toString('base64') }] });
    expect((await post('/encode', big)).status).toBe(413);
    expect((await post('/encode', '{"payloads":[]}', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post('/other', '{}')).status).toBe(404);
    const get = await fetch(`${server!.url}/decode`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers 500 without detail when the codec fails unexpectedly, and reports the error', async () => {
    const errors: unknown[] = [];
    const failing: PayloadCodec = {
      encode: () => Promise.reject(new Error(`disk full near ${SECRET}`)),
      decode: () => Promise.reject(new Error('unused')),
    };
    server = await startCodecServer({ codec: failing, onError: (e) => errors.push(e) });
    const response = await post('/encode', JSON.stringify({ payloads: [] }));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain(SECRET);
    expect(errors).toHaveLength(1);
  });

  it('refuses a bearer token shorter than 32 characters at start, without quoting it', async () => {
    const short = 'admin-token-31-characters-long!';
    expect(short).toHaveLength(31);
    const error = await startCodecServer({ codec: await codec(), authToken: short }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(CodecServerConfigError);
    expect(error?.message).toMatch(/has 31 characters; use at least 32/);
    expect(error?.message).not.toContain(short);
  });

  it('refuses to listen beyond loopback without an auth token', async () => {
    await expect(startCodecServer({ codec: await codec(), host: '0.0.0.0' })).rejects.toThrow(/set authToken/);
  });
});
