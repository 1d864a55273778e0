import { describe, expect, it } from 'vitest';
import { scaleRules } from '../../src/exact/rules';
import type { SimCounters } from '../../src/simulator';
import { Counters } from '../../src/simulator/counters';
import type { ContainerEnd } from '../../scripts/soak/measure';
import { soakStats, type StatsInput } from '../../scripts/soak/stats';
import type { ContainerStatus } from '../../contract/container';

const rules = scaleRules(0.05); // tokens live 30 s
const T0 = 1_800_000_000_000;
const at = (s: number) => T0 + s * 1000;

function healthy(alias: string, userId: string, generation: number, extra: Partial<ContainerEnd> = {}): ContainerEnd {
  const status: ContainerStatus = {
    alias,
    status: 'healthy',
    generation,
    retryAttempt: 0,
    tokenCallsToday: 0,
    refreshes: 0,
    failures: 0,
    runs: 1,
  };
  return { alias, userId, status, storedAtMs: [], chainBrokenAtMs: [], ...extra };
}

function input(counters: Partial<SimCounters>, containers: ContainerEnd[], rest: Partial<StatsInput> = {}): StatsInput {
  return {
    counters: { ...new Counters().snapshot(), ...counters },
    rules,
    containers,
    breaks: [],
    timeline: [],
    stormStartMs: T0,
    stormEndMs: at(300),
    endMs: at(300),
    ...rest,
  };
}

describe('the soak statistics', () => {
  it('counts each refusal of an already refused chain, up to the new chain, from the audit trail', () => {
    const stats = soakStats(
      input(
        {
          chains: [
            {
              chainId: 'a',
              clientId: 'app',
              userId: 'u1',
              username: 'u1',
              startedAtMs: at(0),
              alive: false,
              accessTokenIssuedAtMs: [at(0)],
            },
            {
              chainId: 'b',
              clientId: 'app',
              userId: 'u1',
              username: 'u1',
              startedAtMs: at(200),
              alive: true,
              accessTokenIssuedAtMs: [at(200)],
            },
          ],
        },
        [healthy('soak-0001', 'u1', 1, { chainBrokenAtMs: [at(40), at(160), at(250)] })],
        { breaks: [{ alias: 'soak-0001', userId: 'u1', how: 'invalidate', atMs: at(30) }] },
      ),
    ).healing;

    expect(stats.refusalsAfterTheFirst).toBe(1);
    expect(stats.perBreak).toEqual([
      { alias: 'soak-0001', how: 'invalidate', atS: 30, refusedAtS: [40, 160], healedAtS: 200 },
    ]);
    expect(stats.detectedS.max).toBe(10);
    expect(stats.healedS.max).toBe(170);
  });

  it('splits pairs Exact issued but the journal never got into dropped answers and killed workers', () => {
    const stats = soakStats(
      input(
        {
          chains: [
            {
              chainId: 'a',
              clientId: 'app',
              userId: 'u1',
              username: 'u1',
              startedAtMs: at(0),
              alive: true,
              accessTokenIssuedAtMs: [],
            },
          ],
          tokenCalls: [
            {
              atMs: at(50),
              clientId: 'app',
              userId: 'u1',
              grantType: 'refresh_token',
              outcome: 'ok',
              status: 200,
              answerLost: true,
            },
          ],
        },
        [healthy('soak-0001', 'u1', 8, { exactGeneration: 10 }), healthy('soak-0002', 'u2', 5, { exactGeneration: 5 })],
      ),
    ).pairsNotStored;

    expect(stats).toEqual({ total: 2, answerDroppedByFault: 1, withKilledWorker: 1, containers: 1 });
  });

  it('measures the share of time a container held an unexpired token from when the journal stored each pair', () => {
    const stored = [0, 30, 60, 120, 150, 180, 210, 240, 270].map(at);
    const stats = soakStats(input({}, [healthy('soak-0001', 'u1', 9, { storedAtMs: stored })])).tokenAvailability;
    // Tokens live 30 s: the 60 s gap from 60 to 120 leaves 30 s of 300 without one.
    expect(stats.mean).toBeCloseTo(0.9, 4);
    expect(stats.below99Percent).toBe(1);
  });
});
