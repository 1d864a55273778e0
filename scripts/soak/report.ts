import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LeakScanResult } from './leak-scan';
import type { SoakCounts } from './measure';
import type { ExpiryStats, OutageRecovery } from './outages';
import type { SoakStats } from './stats';
import type { TimelineEvent } from './timeline';

export interface Goal {
  name: string;
  value: number;
  /** The largest value that passes. */
  atMost: number;
  passed: boolean;
}

export interface SoakReport {
  passed: boolean;
  mode: 'full' | 'quick';
  /** Which form: the SQLite one, `postgres` (two workers, store outages) or `N days`. */
  form?: string;
  startedAt: string;
  finishedAt: string;
  durationS: number;
  goals: Goal[];
  configuration: Record<string, unknown>;
  counts: SoakCounts;
  stats: SoakStats;
  /** Store and dev-server outages and how fast refreshes came back; access tokens expired outside disturbances. */
  outageStats?: { outages: OutageRecovery[]; expiredAccessTokens: ExpiryStats };
  leakScan: LeakScanResult | { skipped: string };
  /** Processes of this run still alive after it ended (must be none). */
  strayProcesses: { pid: number; command: string }[];
  /** Bugs or limits seen, in words, with where the evidence is. */
  findings: string[];
  timeline: TimelineEvent[];
}

/** The issue's goals: 0, 0, 0, at most 10, 0; and zero leak-scan hits and no stray process. */
export function evaluateGoals(
  counts: SoakCounts,
  leakScan: SoakReport['leakScan'],
  strays: SoakReport['strayProcesses'],
): Goal[] {
  const goal = (name: string, value: number, atMost: number): Goal => ({
    name,
    value,
    atMost,
    passed: value <= atMost,
  });
  return [
    goal('chains not recovered', counts.chainsNotRecovered.count, 0),
    goal('refresh tokens lost by us', counts.refreshTokensLostByUs.count, 0),
    goal('refreshes earlier than the rule', counts.refreshesEarlierThanRule.count, 0),
    goal('worst error count per endpoint per hour', counts.worstErrorsPerEndpointPerHour.count, 10),
    goal('containers needing a human', counts.containersNeedingHuman.count, 0),
    // A scan that did not run, or could not export every history, cannot show zero hits.
    goal('leak-scan hits', 'hits' in leakScan ? leakScan.hits.length : 1, 0),
    goal('histories the leak scan could not export', 'hits' in leakScan ? leakScan.histories.failed.length : 1, 0),
    goal('leak-scan self-check failures', 'hits' in leakScan && leakScan.selfCheckPassed ? 0 : 1, 0),
    // What an admin reads through the codec server: no refresh token, no live access token.
    goal(
      'decoded leak-scan hits (history through the codec server)',
      'hits' in leakScan ? leakScan.decoded.hits.length : 1,
      0,
    ),
    goal(
      'history payloads the codec server could not decode',
      'hits' in leakScan ? leakScan.decoded.failed.length : 1,
      0,
    ),
    goal('decoded leak-scan self-check failures', 'hits' in leakScan && leakScan.decoded.selfCheckPassed ? 0 : 1, 0),
    goal('stray processes after the run', strays.length, 0),
  ];
}

export function writeReport(file: string, report: SoakReport): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** The report in a few lines for the console. */
export function summarize(report: SoakReport, file: string): string {
  const lines = report.goals.map(
    (g) =>
      `  ${g.passed ? 'pass' : 'FAIL'}  ${g.name}: ${g.value} (goal: ${g.atMost === 0 ? '0' : `at most ${g.atMost}`})`,
  );
  const extra: string[] = [];
  if (report.outageStats) {
    const e = report.outageStats.expiredAccessTokens;
    for (const o of report.outageStats.outages) {
      extra.push(
        `  ${o.kind} at ${o.atS} s for ${o.lastedS} s: first pair stored ${o.firstStoredAfterS ?? 'never'} s after, refreshes flowing ${o.flowingAfterS ?? 'never'} s after`,
      );
    }
    extra.push(
      `  longest expired access token: ${e.longestOutsideDisturbancesS} s outside disturbance windows, ${e.longestOutsideStoreOutagesS} s outside store outages, ${e.longestOverallS} s overall`,
    );
  }
  return [
    `soak ${report.passed ? 'passed' : 'FAILED'} (${report.form ?? 'sqlite'}, ${report.mode}, ${report.durationS} s); report: ${file}`,
    ...lines,
    ...extra,
  ].join('\n');
}
