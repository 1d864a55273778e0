import type { RampPlan } from './capacity';

/** Sizes of one benchmark run: `full` for BENCHMARKS.md (about 15 minutes), `quick` for CI (under 3 minutes). */
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
  /** Where results go, relative to the project root. */
  resultsPath: string;
  reportPath: string;
}

/** About ×1.5 steps from 25 containers (≈ 20 cycles/s, the goal): at 1/500 of real time each cycles 0.8 times a second. */
const LEVELS = [25, 40, 60, 90, 135, 200, 300, 450, 675, 1000, 1500, 2250, 3400];

export const FULL_PLAN: BenchPlan = {
  mode: 'full',
  fleet: 1000,
  fleetSettleS: 15,
  queryConsumers: [1, 10, 50],
  querySeconds: 10,
  worker: { levels: LEVELS, settleS: 6, windowS: 15 },
  baseline: { levels: LEVELS, settleS: 4, windowS: 10 },
  recoveryBreaks: 10,
  resultsPath: 'bench/results.json',
  reportPath: 'BENCHMARKS.md',
};

export const QUICK_PLAN: BenchPlan = {
  mode: 'quick',
  fleet: 100,
  fleetSettleS: 3,
  queryConsumers: [1, 10, 50],
  querySeconds: 2,
  worker: { levels: [30, 60], settleS: 3, windowS: 5 },
  baseline: { levels: [30, 60], settleS: 2, windowS: 4 },
  recoveryBreaks: 3,
  resultsPath: 'bench/quick/results.json',
  reportPath: 'bench/quick/BENCHMARKS.md',
};
