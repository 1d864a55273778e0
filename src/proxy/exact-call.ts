import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { redactSecrets } from '../exact/redact';
import { ProxyError } from './errors';
import { BodyTooLargeError } from './request-body';

export interface ExactCall {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  body?: Readable | Buffer;
  dispatcher: Dispatcher;
  /** Longest wait for the headers, and longest silence inside the body (ms). */
  timeoutMs: number;
  /** Aborts the call (the consumer went away). */
  signal: AbortSignal;
}

/** Exact answered; the body is still to be streamed (or dumped). */
export interface ExactAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

/** No answer came; the request may or may not have reached Exact. */
export interface ExactFailure {
  failure: 'timeout' | 'network';
  detail: string;
}

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/**
 * One request to Exact. Never throws for Exact's sake: a failure comes back as an {@link ExactFailure}; it throws
 * only the body's own errors (too large) and the consumer's abort.
 */
export async function callExact(call: ExactCall): Promise<ExactAnswer | ExactFailure> {
  try {
    const response = await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      dispatcher: call.dispatcher,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
      signal: call.signal,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (error instanceof BodyTooLargeError) throw error;
    if (cause instanceof BodyTooLargeError) throw cause;
    if (call.signal.aborted) throw error;
    const code = codeOf(error) ?? codeOf(cause);
    const message = error instanceof Error ? error.message : String(error);
    return {
      failure: code !== undefined && TIMEOUTS.has(code) ? 'timeout' : 'network',
      detail: redactSecrets(`${message}${code === undefined ? '' : ` (${code})`}`, 200),
    };
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** No answer from Exact, as the consumer hears it: 504 for a timeout, 502 otherwise. */
export function failureError(failure: ExactFailure, alias: string): ProxyError {
  return failure.failure === 'timeout'
    ? new ProxyError(504, 'exact_timeout', `Exact did not answer in time for "${alias}" (${failure.detail}).`)
    : new ProxyError(502, 'exact_unreachable', `Exact could not be reached for "${alias}" (${failure.detail}).`);
}
