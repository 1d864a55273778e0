import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import type { Logger } from '../log';
import { createConsumerDirectory } from './auth';
import {
  DEFAULT_EXACT_TIMEOUT_MS,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_PROXY_HOST,
  DEFAULT_PROXY_PORT,
  DEFAULT_QUEUE_TIMEOUT_MS,
  EXACT_CONNECT_TIMEOUT_MS,
} from './constants';
import type { ConsumerEntry } from './consumer-tokens';
import { ErrorBudget, type ErrorBudgetOptions } from './error-budget';
import { forward, type ProxyTokenSource } from './forwarder';
import { CompanyLimits, type CompanyLimitsOptions } from './limits';
import { createProxyMetrics, type ProxyMetrics } from './metrics';
import { createTargetCache, type FindExactTarget } from './targets';

export interface ProxyOptions {
  /** Who may call the proxy, with which bearer token, for which aliases (`parseConsumerTokens`). */
  consumers: readonly ConsumerEntry[];
  /** A container's current access token: `createTokenProvider(client, …)`, or a fake in tests. */
  tokens: ProxyTokenSource;
  /** Where a container's Exact host is (`findExactTarget` over a Temporal client, or a fake). */
  findTarget: FindExactTarget;
  /** Origins besides Exact's country hosts that may receive tokens (a simulator's). @default [] */
  extraExactOrigins?: readonly string[];
  /** Interface to listen on. @default DEFAULT_PROXY_HOST ('127.0.0.1') */
  host?: string;
  /** TCP port; 0 lets the OS choose. @default DEFAULT_PROXY_PORT (8890) */
  port?: number;
  /** Largest request body forwarded (bytes). @default DEFAULT_MAX_REQUEST_BYTES (1 MiB) */
  maxRequestBytes?: number;
  /** Longest wait for Exact's headers, and longest silence in a body (ms). @default DEFAULT_EXACT_TIMEOUT_MS (60 000) */
  timeoutMs?: number;
  /** Per-company queue: in-flight cap, queue timeout, reset margin. @default the constants' values */
  limits?: CompanyLimitsOptions;
  /** Per-endpoint error budget. @default 8 errors an hour */
  errorBudget?: ErrorBudgetOptions;
  /** Where each request is logged (consumer, alias, method, endpoint, status, ms; never a token). @default silent */
  log?: Logger;
  /** @default a registry of its own (createProxyMetrics()) */
  metrics?: ProxyMetrics;
  /** How requests reach Exact. @default an undici Agent with a 5 s connect timeout, closed with the proxy */
  dispatcher?: Dispatcher;
  /** Our clock, epoch ms. @default Date.now */
  now?: () => number;
}

export interface RunningProxy {
  /** Base URL, e.g. `http://127.0.0.1:8890`. */
  url: string;
  port: number;
  metrics: ProxyMetrics;
  /** Stops listening, ends open connections and closes the connections to Exact. */
  close(): Promise<void>;
}

/**
 * The Exact API proxy: `/{alias}/api/v1/…` is sent to the container's Exact host with its current access token,
 * within Exact's limits shared by every consumer. Also serves `GET /healthz` and `GET /metrics` (Prometheus).
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXACT_TIMEOUT_MS;
  const queueTimeoutMs = options.limits?.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
  const metrics = options.metrics ?? createProxyMetrics();
  const ownDispatcher = options.dispatcher ? undefined : new Agent({ connect: { timeout: EXACT_CONNECT_TIMEOUT_MS } });
  const parts = {
    consumers: createConsumerDirectory(options.consumers),
    tokens: options.tokens,
    targets: createTargetCache(options.findTarget, { extraOrigins: options.extraExactOrigins, now }),
    limits: new CompanyLimits({ now, ...options.limits }),
    budget: new ErrorBudget({ now, ...options.errorBudget }),
    metrics,
    dispatcher: options.dispatcher ?? ownDispatcher!,
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    timeoutMs,
    now,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz')
      return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    if (req.method === 'GET' && path === '/metrics') {
      const text = await metrics.registry.metrics();
      return void res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text);
    }
    const started = now();
    const record = await forward(parts, req, res);
    metrics.request(record.alias ?? '', record.endpoint ?? '', record.status);
    const line = { ...record, ms: now() - started };
    if (record.status >= 500 && record.code === 'chainkeeper.internal')
      options.log?.error(line, 'proxy request failed');
    else options.log?.info(line, 'proxy request');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.error(
        { failure: error instanceof Error ? error.message : String(error) },
        'proxy: unexpected failure',
      );
      res.destroy();
    });
  });
  // A queued request has not been read in full yet: allow its time in the queue as well.
  server.requestTimeout = queueTimeoutMs + timeoutMs;
  const host = options.host ?? DEFAULT_PROXY_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PROXY_PORT, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    metrics,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ownDispatcher?.close();
    },
  };
}
