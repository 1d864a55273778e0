import { Agent, request, type Dispatcher } from 'undici';
import { ExactSettingsError } from './errors';
import { redactSecrets } from './redact';

/** How long one call to Exact may take, per phase. Every call to Exact has all three. */
export interface HttpTimeouts {
  /** TCP + TLS connect. Ignored when a `dispatcher` is given: configure that dispatcher's own connect timeout. @default 5000 */
  connectMs?: number;
  /** From sending the request until the response headers arrive. @default 15000 */
  headersMs?: number;
  /** Longest silence between two chunks of the response body. @default 15000 */
  bodyMs?: number;
  /**
   * The whole call, connect to last byte: a call must end before the activity that makes it does, or it could
   * rotate a chain behind the workflow's back. @default 25000 (two calls fit a 60 s refresh activity)
   */
  totalMs?: number;
}

/** Longest a single call to Exact may take by default; see {@link HttpTimeouts.totalMs}. */
export const EXACT_CALL_DEADLINE_MS = 25_000;

export const DEFAULT_HTTP_TIMEOUTS: Readonly<Required<HttpTimeouts>> = Object.freeze({
  connectMs: 5_000,
  headersMs: 15_000,
  bodyMs: 15_000,
  totalMs: EXACT_CALL_DEADLINE_MS,
});

export interface HttpOptions {
  timeouts?: HttpTimeouts;
  /** An undici dispatcher (pool, proxy, mock) to send through. @default a shared Agent per connect timeout */
  dispatcher?: Dispatcher;
  /** Bodies longer than this are cut off (and then fail to parse): Exact's answers are a few kB. @default 1048576 */
  maxBodyBytes?: number;
  /** Ends the call when it aborts (the activity was cancelled or its worker is shutting down). @default none */
  signal?: AbortSignal;
  /** Told every answer's `Date` header as it arrives (so a clock estimate learns Exact's time). @default none */
  observeDate?: (dateHeader: string | undefined) => void;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Exact answered; any status. Header names are lower case; repeated headers are joined with ", ". */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
}

/** Exact did not answer. `detail` names the cause, never the request. */
export interface HttpFailure {
  failure: 'timeout' | 'network';
  detail: string;
}

export type HttpResult = HttpResponse | HttpFailure;

export function isHttpFailure(result: HttpResult): result is HttpFailure {
  return 'failure' in result;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Sends one request and never throws: a failure comes back as an {@link HttpFailure}.
 * It never retries either: a token request that reached Exact has spent its refresh token.
 */
export async function sendHttpRequest(req: HttpRequest, options: HttpOptions = {}): Promise<HttpResult> {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...definedOnly(options.timeouts) };
  const deadline = AbortSignal.timeout(timeouts.totalMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const response = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: options.dispatcher ?? sharedAgent(timeouts.connectMs),
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      signal,
    });
    const headers = flatHeaders(response.headers);
    options.observeDate?.(headers.date);
    const bodyText = await readCapped(response.body, options.maxBodyBytes ?? 1_048_576);
    return { status: response.statusCode, headers, bodyText };
  } catch (error) {
    // An aborted call may still have reached Exact: to the caller it is an answer that never came.
    if (signal.aborted) {
      const why = deadline.aborted ? `no full answer within ${timeouts.totalMs} ms` : 'the call was cancelled';
      return { failure: 'timeout', detail: why };
    }
    return describeFailure(error);
  }
}

const agents = new Map<number, Agent>();

/** One pooled Agent per connect timeout, so creating a client per call does not leak sockets. */
function sharedAgent(connectMs: number): Agent {
  let agent = agents.get(connectMs);
  if (agent === undefined) {
    agent = new Agent({ connect: { timeout: connectMs } });
    agents.set(connectMs, agent);
  }
  return agent;
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= maxBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flatHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function describeFailure(error: unknown): HttpFailure {
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | undefined)?.cause);
  const message = error instanceof Error ? error.message : String(error);
  const detail = redactSecrets(`${message}${code !== undefined ? ` (${code})` : ''}`, 200);
  return { failure: code !== undefined && TIMEOUT_CODES.has(code) ? 'timeout' : 'network', detail };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Throws {@link ExactSettingsError} unless every given timeout is a positive number of milliseconds. */
export function checkTimeouts(timeouts: HttpTimeouts | undefined): void {
  for (const [name, value] of Object.entries(definedOnly(timeouts))) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new ExactSettingsError(`timeout ${name} must be a positive number of milliseconds, got ${String(value)}`);
    }
  }
}

function definedOnly(timeouts: HttpTimeouts | undefined): HttpTimeouts {
  return Object.fromEntries(Object.entries(timeouts ?? {}).filter(([, value]) => value !== undefined));
}
