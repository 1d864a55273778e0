import type { ExactRules } from '../../src/exact/rules';
import { earliestRefreshAt, resolveOptions } from '../../workflows/container/schedule';
import { cpuMeter } from './processes';
import type { BenchSimulator } from './stack';
import { percentile, round, sleep } from './stats';

/**
 * One steady window of refresh cycles, measured where they land: the simulator's own record of successful
 * refresh_token calls and of when each chain was issued its access tokens.
 */
export interface CapacityWindow {
  /** Chains kept alive during the window. */
  containers: number;
  windowS: number;
  /** The gap between two refreshes of one chain when nothing is late (the workflow's schedule). */
  nominalGapMs: number;
  /** Cycles per second the chains ask for: containers / nominal gap. */
  offeredPerS: number;
  /**
   * Completed cycles per second: per chain, its refreshes in the window over the time from its first to its last,
   * summed over the chains. (A plain count over a short window is biased when chains refresh in step.)
   */
  cyclesPerS: number;
  /** Successful refresh_token calls in the window. */
  refreshes: number;
  /** `/Me` calls per second (one per cycle). */
  meCallsPerS: number;
  /** Token or /Me calls that did not succeed (too early, old token, 429, …): any is a cycle gone wrong. */
  failedCalls: number;
  /** The failed calls by what went wrong: token outcomes (`too-early`, …) and `/Me` statuses (`me 401`, …). */
  failures: Record<string, number>;
  gapP50Ms?: number;
  gapP99Ms?: number;
  gapMaxMs?: number;
  /** Sustained: no cycle falls behind — p99 gap ≤ 1.5 × nominal (late by at most half an interval), no failed call. */
  sustained: boolean;
  /** Cores each process used on average during the window. */
  cores: Record<string, number>;
  /** CPU milliseconds each process spent per completed cycle. */
  cpuMsPerCycle: Record<string, number>;
}

/** The gap between refreshes the container workflow schedules under `rules` (interval = Exact's rule + margin). */
export function nominalGapMs(rules: ExactRules): number {
  const options = resolveOptions({ rules });
  return Math.max(earliestRefreshAt(0, options), options.refreshIntervalMs);
}

export async function measureWindow(
  target: BenchSimulator,
  containers: number,
  windowS: number,
  pids: Record<string, number | 'self'>,
): Promise<CapacityWindow> {
  const nominal = nominalGapMs(target.rules);
  target.sim.control.resetCounters();
  const meter = cpuMeter(pids);
  await sleep(windowS * 1000);
  const cores = meter.stop();
  const counters = target.sim.control.counters();

  const refreshes = counters.tokenCalls.filter((call) => call.grantType === 'refresh_token');
  const failures: Record<string, number> = {};
  const count = (what: string) => (failures[what] = (failures[what] ?? 0) + 1);
  for (const call of refreshes) if (call.outcome !== 'ok') count(call.outcome);
  for (const call of counters.meCalls) if (call.status !== 200) count(`me ${call.status}`);
  const failedCalls = Object.values(failures).reduce((sum, n) => sum + n, 0);
  const gaps: number[] = [];
  let cyclesPerS = 0;
  for (const chain of counters.chains) {
    const issued = chain.accessTokenIssuedAtMs;
    for (let i = 1; i < issued.length; i++) gaps.push(issued[i]! - issued[i - 1]!);
    if (issued.length >= 2) cyclesPerS += (issued.length - 1) / ((issued.at(-1)! - issued[0]!) / 1000);
  }
  const offeredPerS = containers / (nominal / 1000);
  const gapP99Ms = percentile(gaps, 99);
  const sustained = gapP99Ms !== undefined && gapP99Ms <= 1.5 * nominal && failedCalls === 0;
  return {
    containers,
    windowS,
    nominalGapMs: round(nominal, 0)!,
    offeredPerS: round(offeredPerS)!,
    cyclesPerS: round(cyclesPerS)!,
    refreshes: refreshes.filter((call) => call.outcome === 'ok').length,
    meCallsPerS: round(counters.meCalls.length / windowS)!,
    failedCalls,
    failures,
    gapP50Ms: round(percentile(gaps, 50), 0),
    gapP99Ms: round(gapP99Ms, 0),
    gapMaxMs: round(percentile(gaps, 100), 0),
    sustained,
    cores: Object.fromEntries(Object.entries(cores).map(([name, used]) => [name, round(used, 2)!])),
    cpuMsPerCycle: Object.fromEntries(
      Object.entries(cores).map(([name, used]) => [name, round((used * 1000) / Math.max(cyclesPerS, 1e-9), 2)!]),
    ),
  };
}
