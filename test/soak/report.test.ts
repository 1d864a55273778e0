import { describe, expect, it } from 'vitest';
import type { LeakScanResult } from '../../scripts/soak/leak-scan';
import type { SoakCounts } from '../../scripts/soak/measure';
import { evaluateGoals } from '../../scripts/soak/report';

const zero = { count: 0, details: [] };
const counts = {
  chainsNotRecovered: zero,
  refreshTokensLostByUs: zero,
  refreshesEarlierThanRule: zero,
  worstErrorsPerEndpointPerHour: zero,
  containersNeedingHuman: zero,
} as unknown as SoakCounts;

function leakScan(decodedHits: number): LeakScanResult {
  const hit = { secret: 'access token 3 of soak-0001', source: 'x.json (decoded)', encoding: 'plain' as const };
  return {
    passed: decodedHits === 0,
    secrets: {} as LeakScanResult['secrets'],
    valuesSearched: 10,
    histories: { executions: 1, exported: 1, failed: [] },
    files: [],
    bytesScanned: 0,
    hits: [],
    selfCheckPassed: true,
    decoded: {
      payloads: 40,
      requests: 20,
      failed: [],
      hits: Array.from({ length: decodedHits }, () => ({ ...hit, kind: 'access-token' as const })),
      selfCheckPassed: true,
      durationS: 1,
    },
    durationS: 1,
  };
}

describe('the soak report', () => {
  const decodedGoal = (scan: LeakScanResult) =>
    evaluateGoals(counts, scan, []).find((goal) => goal.name.startsWith('decoded leak-scan hits'));

  it('counts what the decoded pass finds as a goal of its own, beside the raw scan', () => {
    expect(decodedGoal(leakScan(0))).toMatchObject({ value: 0, atMost: 0, passed: true });
    expect(decodedGoal(leakScan(2))).toMatchObject({ value: 2, passed: false });
    const rawGoal = evaluateGoals(counts, leakScan(2), []).find((goal) => goal.name === 'leak-scan hits');
    expect(rawGoal).toMatchObject({ value: 0, passed: true });
  });
});
