import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { CHAIN_STATUSES, type ChainStatus } from '../../contract/container';
import { FAILURE_TYPES } from '../../contract/failures';

export { CHAIN_STATUSES };

/** Label values of `chainkeeper_refresh_outcomes_total`: "ok" or a failure type; anything else counts as "other". */
export const REFRESH_OUTCOME_TYPES = ['ok', ...Object.values(FAILURE_TYPES), 'other'] as const;

export type RefreshOutcomeType = (typeof REFRESH_OUTCOME_TYPES)[number];
export type RecoveryResult = 'succeeded' | 'failed';

/** What activities report; one call per event. */
export interface RefreshMetrics {
  /** A refresh attempt ended: "ok" or the failure type it threw (FAILURE_TYPES). Unknown types count as "other". */
  refreshOutcome(type: string): void;
  /** A recovery (browser login and new chain) ended. */
  recovery(result: RecoveryResult): void;
  /** One call reached Exact's token endpoint (the 200-a-day budget). */
  tokenCall(): void;
}

/** For tests and callers that do not collect metrics. */
export const noopRefreshMetrics: RefreshMetrics = {
  refreshOutcome() {},
  recovery() {},
  tokenCall() {},
};

export interface ChainkeeperMetrics extends RefreshMetrics {
  /** The registry to serve on /metrics. */
  registry: Registry;
  /** Sets the number of running containers with `status`. */
  setContainers(status: ChainStatus, count: number): void;
  /** Records that a census of every status completed at `atMs` (epoch ms). */
  censusCompleted(atMs: number): void;
}

export interface MetricsOptions {
  /** Also collect prom-client's default Node.js process metrics (CPU, memory, event loop, GC). @default true */
  defaultMetrics?: boolean;
}

const KNOWN_OUTCOMES = new Set<string>(REFRESH_OUTCOME_TYPES);

/**
 * chainkeeper's metrics on a registry of their own (never prom-client's global one), so several workers or tests
 * in one process do not collide. Every label value is pre-set to 0 so series exist before the first event.
 */
export function createMetrics(options: MetricsOptions = {}): ChainkeeperMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const outcomes = new Counter({
    name: 'chainkeeper_refresh_outcomes_total',
    help: 'Refresh attempts by outcome: ok, or the failure type the refresh activity threw.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const recoveries = new Counter({
    name: 'chainkeeper_recoveries_total',
    help: 'Recoveries (browser login and new chain) by result.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const tokenCalls = new Counter({
    name: 'chainkeeper_token_calls_total',
    help: "Calls that reached Exact Online's token endpoint (budget: 200 per user per day).",
    registers: [registry],
  });
  const containers = new Gauge({
    name: 'chainkeeper_containers',
    help: 'Running data containers by status, from a visibility census (cluster-wide: aggregate with max, not sum).',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const censusAt = new Gauge({
    name: 'chainkeeper_containers_census_timestamp_seconds',
    help: 'When chainkeeper_containers was last counted completely (unix seconds); stale values mean the census fails.',
    registers: [registry],
  });

  for (const type of REFRESH_OUTCOME_TYPES) outcomes.inc({ type }, 0);
  for (const result of ['succeeded', 'failed'] as const) recoveries.inc({ result }, 0);
  tokenCalls.inc(0);
  for (const status of CHAIN_STATUSES) containers.set({ status }, 0);

  return {
    registry,
    refreshOutcome(type) {
      outcomes.inc({ type: KNOWN_OUTCOMES.has(type) ? type : 'other' });
    },
    recovery(result) {
      recoveries.inc({ result });
    },
    tokenCall() {
      tokenCalls.inc();
    },
    setContainers(status, count) {
      containers.set({ status }, count);
    },
    censusCompleted(atMs) {
      censusAt.set(atMs / 1000);
    },
  };
}
