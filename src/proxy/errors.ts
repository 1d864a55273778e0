import type { ServerResponse } from 'node:http';

/** The proxy's own refusals; the code tells them apart from Exact's answers, which pass through unchanged. */
export type ProxyErrorCode =
  | 'unauthorized'
  | 'alias_not_allowed'
  | 'not_found'
  | 'method_not_allowed'
  | 'unknown_alias'
  | 'request_too_large'
  | 'daily_limit'
  | 'queue_timeout'
  | 'error_budget'
  | 'no_token'
  | 'token_timeout'
  | 'host_not_allowed'
  | 'container_unreadable'
  | 'exact_unreachable'
  | 'exact_timeout'
  | 'internal';

/** A refusal or failure of the proxy itself, answered as `{"error":{"code":"chainkeeper.<code>","message":…}}`. */
export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  constructor(
    readonly status: number,
    readonly code: ProxyErrorCode,
    /** In the operator's words; never a token. */
    message: string,
    /** Seconds after which trying again can help (sent as Retry-After). */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/** The consumer closed its connection while its request waited: nobody is left to answer. */
export class ConsumerGoneError extends Error {
  override readonly name = 'ConsumerGoneError';
  constructor() {
    super('the consumer closed the connection before its request was sent');
  }
}

/**
 * Writes the error. The body's `code` is a string starting with "chainkeeper." (Exact's is an object), and the
 * `X-Chainkeeper-Error` header names it too, so a consumer never mistakes it for Exact's answer.
 */
export function sendProxyError(res: ServerResponse, error: ProxyError): void {
  const code = `chainkeeper.${error.code}`;
  const body = JSON.stringify({ error: { code, message: error.message } });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    'X-Chainkeeper-Error': code,
  };
  if (error.retryAfterS !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterS)));
  if (error.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="chainkeeper"';
  if (error.status === 405) headers.Allow = 'GET, POST, PUT, DELETE, PATCH';
  res.writeHead(error.status, headers);
  res.end(body);
}

/**
 * What went wrong getting a container's token or host, for the consumer: by the error's name, so this library
 * needs no Temporal code. The messages of those errors name the container and what to do, never a secret.
 */
export function containerProblem(alias: string, error: unknown): ProxyError {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'ContainerNotFoundError':
      return new ProxyError(404, 'unknown_alias', message);
    case 'NoAccessTokenError':
    case 'SealedTokenError':
    case 'ConsumerKeyError':
      return new ProxyError(503, 'no_token', message);
    case 'TokenTimeoutError':
      return new ProxyError(504, 'token_timeout', message, 10);
    case 'UnknownExactHostError':
      return new ProxyError(502, 'host_not_allowed', `${message}; the proxy sends no token there.`);
    default:
      return new ProxyError(
        502,
        'container_unreadable',
        `could not read container "${alias}" from Temporal: ${message.slice(0, 300)}`,
        5,
      );
  }
}
