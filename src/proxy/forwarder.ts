import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { redactSecrets } from '../exact/redact';
import type { ConsumerDirectory } from './auth';
import type { ErrorBudget } from './error-budget';
import { ConsumerGoneError, ProxyError, sendProxyError } from './errors';
import type { CompanyLimits } from './limits';
import type { ProxyMetrics } from './metrics';
import { relay } from './relay';
import { RequestBody } from './request-body';
import { FORWARDED_METHODS, routeOf } from './router';
import type { CheckedTarget } from './targets';

/** Where the proxy gets a container's current access token: `createTokenProvider` in production. */
export interface ProxyTokenSource {
  /** The alias's token; from memory almost always. Throws the consumer errors (no token, unknown alias, …). */
  get(alias: string): Promise<{ accessToken: string }>;
  /** Exact refused `accessToken`: forget it, so the next `get` asks the container. */
  invalidate(alias: string, accessToken: string): void;
}

/** Everything a request passes through, shared by all requests of one proxy. */
export interface ForwarderParts {
  consumers: ConsumerDirectory;
  tokens: ProxyTokenSource;
  targets: (alias: string) => Promise<CheckedTarget>;
  limits: CompanyLimits;
  budget: ErrorBudget;
  metrics: ProxyMetrics;
  dispatcher: Dispatcher;
  maxRequestBytes: number;
  timeoutMs: number;
  now: () => number;
}

/** What the log says about one request: never a token, a query string or a body. */
export interface RequestRecord {
  consumer?: string;
  alias?: string;
  method: string;
  endpoint?: string;
  /** Exact's status, the proxy's own, or 499 when the consumer went away first. */
  status: number;
  /** The proxy's own error code, when it answered itself. */
  code?: string;
  queuedMs: number;
  attempts: number;
  /** What went wrong inside the proxy or on the way, when something did. */
  failure?: string;
}

/** Serves one consumer request: who asks, for which container, then the relay to Exact; never throws. */
export async function forward(
  parts: ForwarderParts,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<RequestRecord> {
  const record: RequestRecord = { method: req.method ?? 'GET', status: 0, queuedMs: 0, attempts: 0 };
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  let body: RequestBody | undefined;
  try {
    const consumer = parts.consumers.authenticate(req.headers.authorization);
    record.consumer = consumer.name;
    const route = routeOf(req.url ?? '/');
    Object.assign(record, { alias: route.alias, endpoint: route.endpoint });
    parts.consumers.checkAlias(consumer, route.alias);
    if (!FORWARDED_METHODS.has(record.method)) {
      throw new ProxyError(405, 'method_not_allowed', `${record.method} is not a method of Exact's REST API.`);
    }
    body = new RequestBody(req, parts.maxRequestBytes);
    const target = await parts.targets(route.alias);
    await relay(parts, { req, res, route, target, body, record, signal: gone.signal });
  } catch (error) {
    // A refused request's body is read to its end (and dropped), so the connection can carry the next request.
    body?.discard();
    answerFailure(res, record, error, gone.signal.aborted);
  }
  return record;
}

function answerFailure(res: ServerResponse, record: RequestRecord, error: unknown, consumerGone: boolean): void {
  if (error instanceof ConsumerGoneError || consumerGone) {
    record.status = 499;
    record.failure = 'the consumer closed the connection first';
    return;
  }
  const problem =
    error instanceof ProxyError
      ? error
      : new ProxyError(500, 'internal', 'the proxy failed on this request; its log says why.');
  if (!(error instanceof ProxyError)) {
    record.failure = redactSecrets(error instanceof Error ? error.message : String(error), 300);
  }
  record.status = problem.status;
  record.code = `chainkeeper.${problem.code}`;
  if (res.headersSent) return void res.destroy();
  // Whatever of a refused body is still coming is not worth reading.
  if (problem.status === 413) res.setHeader('Connection', 'close');
  sendProxyError(res, problem);
}
