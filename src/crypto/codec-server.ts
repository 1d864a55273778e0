import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { CodecServerConfigError, createCodecAuthorizer, isLoopback, type CodecOidcOptions } from './codec-auth';
import { PayloadDecryptionError } from './payload-codec';

export { CodecServerConfigError, MIN_CODEC_TOKEN_CHARS, type CodecOidcOptions } from './codec-auth';

/** How to run the codec server the Temporal Web UI and CLI call to show encrypted payloads. */
export interface CodecServerOptions {
  /** The codec that encodes and decodes; the same one the workers use. */
  codec: PayloadCodec;
  /** Interface to listen on; anything but loopback requires `authToken` or `oidc`. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 lets the OS choose. @default 0 */
  port?: number;
  /**
   * Bearer token (at least 32 characters) a request (CORS preflight excepted) may carry: the CLI's
   * `--codec-auth`. The Web UI never sends a static token, only its user's OIDC access token (see `oidc`).
   * @default none
   */
  authToken?: string;
  /**
   * Verify the access token the Web UI forwards (TEMPORAL_CODEC_PASS_ACCESS_TOKEN; the UI sends it only to an https
   * endpoint) against the identity provider's JWKS, issuer and audience. @default off
   */
  oidc?: CodecOidcOptions;
  /** Browser origins (the Web UI's) allowed to call; requests with any other Origin get 403. @default the dev server UI */
  allowedOrigins?: string[];
  /** Largest request body accepted; larger ones get 413. @default 4 MiB */
  maxBodyBytes?: number;
  /** Told about unexpected failures that were answered 500 (never about bad requests). @default ignored */
  onError?: (error: unknown) => void;
}

export interface CodecServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the UI and CLI append `/encode` and `/decode`. */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** A request answered with a 4xx; its message says what was wrong and never quotes payload content. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const host = options.host ?? '127.0.0.1';
  const authorize = createCodecAuthorizer({ authToken: options.authToken, oidc: options.oidc });
  if (!isLoopback(host) && authorize === undefined) {
    throw new CodecServerConfigError(`codec server on ${host} would decrypt history for anyone: set authToken or oidc`);
  }
  const allowedOrigins = new Set(options.allowedOrigins ?? DEFAULT_ORIGINS);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Vary', 'Origin');
    res.setHeader('Cache-Control', 'no-store');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!allowedOrigins.has(origin)) throw new RequestError(403, `origin ${origin} is not in allowedOrigins`);
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
        // The Web UI adds Authorization-Extras (the ID token) when it forwards an OIDC access token.
        'Access-Control-Allow-Headers': 'X-Namespace, Content-Type, Authorization, Authorization-Extras',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://codec').pathname;
    if (path !== '/encode' && path !== '/decode') {
      throw new RequestError(404, `no endpoint ${path}: use POST /encode or POST /decode`);
    }
    if (req.method !== 'POST') {
      throw new RequestError(405, `${path} takes POST, not ${req.method}`, { Allow: 'POST, OPTIONS' });
    }
    const verdict = authorize === undefined ? { ok: true as const } : await authorize(req.headers.authorization);
    if (!verdict.ok) {
      if (verdict.status === 503) options.onError?.(verdict.cause);
      const challenge: Record<string, string> = verdict.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      throw new RequestError(verdict.status, verdict.reason, challenge);
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      throw new RequestError(415, 'Content-Type must be application/json');
    }
    const payloads = parsePayloads(await readBody(req, maxBodyBytes));
    let result: Payload[];
    try {
      result = path === '/encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    } catch (error) {
      if (error instanceof PayloadDecryptionError) throw new RequestError(422, error.message);
      throw error;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ payloads: result.map(payloadToJson) }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!(error instanceof RequestError)) options.onError?.(error);
      if (res.headersSent) return void res.destroy();
      const status = error instanceof RequestError ? error.status : 500;
      const message = error instanceof RequestError ? error.message : 'internal error of the codec server';
      res.writeHead(status, {
        'Content-Type': 'application/json',
        ...(error instanceof RequestError ? error.headers : {}),
        ...(status === 413 ? { Connection: 'close' } : {}),
      });
      res.end(JSON.stringify({ error: message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<string> {
  const tooLarge = new RequestError(413, `request body is larger than ${maxBodyBytes} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) throw tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw tooLarge;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads proto3 JSON `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`. */
function parsePayloads(body: string): Payload[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // JSON.parse's message quotes the body, which may hold a secret.
    throw new RequestError(400, 'request body is not valid JSON');
  }
  const list = isRecord(json) ? json.payloads : undefined;
  if (!Array.isArray(list)) throw new RequestError(400, 'request body must be an object with a "payloads" array');
  return list.map((item: unknown, index) => {
    const at = `payloads[${index}]`;
    if (!isRecord(item)) throw new RequestError(400, `${at} must be an object`);
    const metadata: Record<string, Uint8Array> = {};
    if (item.metadata !== undefined && item.metadata !== null) {
      if (!isRecord(item.metadata)) throw new RequestError(400, `${at}.metadata must be an object`);
      for (const [key, value] of Object.entries(item.metadata)) metadata[key] = base64(value, `${at}.metadata.${key}`);
    }
    return { metadata, data: item.data == null ? new Uint8Array() : base64(item.data, `${at}.data`) };
  });
}

function base64(value: unknown, at: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw new RequestError(400, `${at} must be a base64 string`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function payloadToJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    metadata[key] = Buffer.from(value ?? new Uint8Array()).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
