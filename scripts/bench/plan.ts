import type { RampPlan } from './capacity';

/** Sizes of one benchmark run: `full` for BENCHMARKS.md (about 10 minutes), `quick` for CI (under 3 minutes). */
export interface BenchPlan {
  mode: 'full' | 'quick';
  /** Idle containers at real rules: enrollment throughput, worker memory, query latency. */
  fleet: number;
  fleetSettleS: number;
  queryConsumers: number[];
  querySeconds: number;
  worker: RampPlan;
  baseline: RampPlan;
  recoveryBreaks: number;
  /** The Exact API proxy's overhead: requests per level and way, and the concurrent consumers of each level. */
  proxy: { requests: number; levels: number[] };
  /** Where results go, relative to the project root. */
  resultsPath: string;
  reportPath: string;
}

/**
 * Containers per capacity level. At 1/500 of real time each cycles about 0.87 times a second, so 25 containers
 * ask for 22 cycles/s, just above the goal; the worker's levels grow by about ×1.2 to place its limit closely, the
 * baseline's by about ×1.5 because it goes much further.
 */
const WORKER_LEVELS = [25, 30, 36, 43, 52, 62, 75, 90, 108, 130, 156, 187, 225, 270, 324, 390];
const BASELINE_LEVELS = [40, 90, 200, 450, 1000, 1500, 2250, 3400];

export const FULL_PLAN: BenchPlan = {
  mode: 'full',
  fleet: 1000,
  fleetSettleS: 15,
  queryConsumers: [1, 10, 50, 200],
  querySeconds: 10,
  worker: { levels: WORKER_LEVELS, settleS: 6, windowS: 15 },
  baseline: { levels: BASELINE_LEVELS, settleS: 4, windowS: 10 },
  recoveryBreaks: 10,
  proxy: { requests: 2000, levels: [1, 10] },
  resultsPath: 'bench/results.json',
  reportPath: 'BENCHMARKS.md',
};

export const QUICK_PLAN: BenchPlan = {
  mode: 'quick',
  fleet: 100,
  fleetSettleS: 3,
  queryConsumers: [1, 10, 50, 200],
  querySeconds: 2,
  worker: { levels: [30, 60], settleS: 3, windowS: 5 },
  baseline: { levels: [30, 60], settleS: 2, windowS: 4 },
  recoveryBreaks: 3,
  proxy: { requests: 300, levels: [1, 10] },
  resultsPath: 'bench/quick/results.json',
  reportPath: 'bench/quick/BENCHMARKS.md',
};
