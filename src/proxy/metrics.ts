import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { parseRateLimits } from '../exact/rate-limits';
import { MAX_ENDPOINT_LABELS } from './constants';
import type { ProxyRoute } from './router';

/** What the proxy reports; one call per event. */
export interface ProxyMetrics {
  /** The registry to serve on /metrics. */
  registry: Registry;
  /** A request ended with `status` (Exact's, or the proxy's own). Empty alias/endpoint: refused before routing. */
  request(alias: string, endpoint: string, status: number): void;
  /** A request waited this long (ms) in its company's queue. */
  queued(alias: string, ms: number): void;
  /** Exact said this many calls are left in a window of the company (division, or "current"). */
  remaining(alias: string, division: string, window: 'minutely' | 'daily', remaining: number): void;
}

export interface ProxyMetricsOptions {
  /** Also collect prom-client's default Node.js process metrics. @default true */
  defaultMetrics?: boolean;
}

/** Keeps a label to a bounded set of values: a consumer choosing paths must not be able to flood Prometheus. */
function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

/** The proxy's metrics on a registry of their own (never prom-client's global one). */
export function createProxyMetrics(options: ProxyMetricsOptions = {}): ProxyMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const alias = boundedLabel(MAX_ENDPOINT_LABELS);
  const endpoint = boundedLabel(MAX_ENDPOINT_LABELS);
  const company = boundedLabel(MAX_ENDPOINT_LABELS);

  const requests = new Counter({
    name: 'chainkeeper_proxy_requests_total',
    help: 'Requests through the Exact API proxy by container alias, endpoint and status (Exact’s or the proxy’s own).',
    labelNames: ['alias', 'endpoint', 'status'] as const,
    registers: [registry],
  });
  const queue = new Histogram({
    name: 'chainkeeper_proxy_queue_seconds',
    help: "Time requests waited for their company's minute limit before being sent to Exact.",
    labelNames: ['alias'] as const,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 120],
    registers: [registry],
  });
  const left = new Gauge({
    name: 'chainkeeper_proxy_rate_limit_remaining',
    help: 'Calls left in the current window of a company, as Exact’s X-RateLimit headers last said.',
    labelNames: ['alias', 'division', 'window'] as const,
    registers: [registry],
  });

  return {
    registry,
    request(a, e, status) {
      requests.inc({ alias: alias(a), endpoint: endpoint(e), status: String(status) });
    },
    queued(a, ms) {
      queue.observe({ alias: alias(a) }, ms / 1000);
    },
    remaining(a, division, window, remaining) {
      left.set({ alias: alias(a), division: company(division), window }, remaining);
    },
  };
}

/** Tells the metrics what Exact's X-RateLimit headers say is left for the route's company. */
export function reportLimits(metrics: ProxyMetrics, route: ProxyRoute, headers: Record<string, string>): void {
  const limits = parseRateLimits(headers);
  const division = route.division ?? 'current';
  if (limits?.minutelyRemaining !== undefined) {
    metrics.remaining(route.alias, division, 'minutely', limits.minutelyRemaining);
  }
  if (limits?.dailyRemaining !== undefined) metrics.remaining(route.alias, division, 'daily', limits.dailyRemaining);
}
