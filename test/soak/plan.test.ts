import { describe, expect, it } from 'vitest';
import { planChaos } from '../../scripts/soak/chaos';
import { waveRules } from '../../scripts/soak/fault-storm';
import { checkSoakOptions, FULL_SOAK, QUICK_SOAK } from '../../scripts/soak/options';
import { createSimulator } from '../../src/simulator';
import { seededRandom } from '../../src/simulator/prng';

describe('the soak plan', () => {
  it('hits each route with the wanted share of faults, all kinds the simulator accepts, delays beyond the timeout', () => {
    const rules = waveRules(0.15, 2000);
    const sim = createSimulator();
    for (const rule of rules) expect(() => sim.control.addFault(rule)).not.toThrow();
    for (const route of ['token', 'me'] as const) {
      const onRoute = rules.filter((r) => r.route === route);
      const missed = onRoute.reduce((p, r) => p * (1 - (r.probability ?? 0)), 1);
      expect(1 - missed).toBeCloseTo(0.15, 3);
      expect(new Set(onRoute.map((r) => r.kind))).toEqual(new Set(['5xx', 'reset', 'delay', '429']));
      expect(onRoute.find((r) => r.kind === 'delay')?.delayMs).toBeGreaterThan(2000);
    }
    expect(rules.some((r) => r.route === 'token' && r.kind === 'reset' && r.afterProcessing)).toBe(true);
  });

  it('kills about every 30 s until shortly before the end, breaks between 10 % and 75 %, restarts halfway', () => {
    const plan = planChaos(FULL_SOAK, seededRandom(1));
    expect(plan.stormMs).toBe(20 * 60_000);
    expect(plan.killGapsMs.length).toBeGreaterThanOrEqual(35);
    expect(Math.min(...plan.killGapsMs)).toBeGreaterThanOrEqual(24_000);
    expect(Math.max(...plan.killGapsMs)).toBeLessThanOrEqual(36_000);
    expect(plan.killGapsMs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(plan.stormMs - 5000);
    expect(plan.devServerRestartsMs).toEqual([plan.stormMs / 2]);
    expect(plan.breaks).toHaveLength(20);
    for (const { atMs } of plan.breaks) {
      expect(atMs).toBeGreaterThanOrEqual(0.1 * plan.stormMs);
      expect(atMs).toBeLessThanOrEqual(0.75 * plan.stormMs);
    }
    expect(new Set(plan.breaks.map((b) => b.how))).toEqual(new Set(['rotate', 'invalidate', 'expire']));
    expect(plan.waves[0]).toEqual({ onMs: 0, offMs: 60_000 });
  });

  it('replays the same plan for the same seed', () => {
    expect(planChaos(QUICK_SOAK, seededRandom(7))).toEqual(planChaos(QUICK_SOAK, seededRandom(7)));
  });

  it('refuses options out of range with the flag and the range, all problems at once', () => {
    expect(() => checkSoakOptions({ ...FULL_SOAK, containers: 0, timeScale: 2, breaks: 300 })).toThrow(
      /--containers must be a whole number from 1 to 5000, got 0[\s\S]*--scale must be from 0\.001 to 1, got 2[\s\S]*--breaks \(300\) cannot exceed --containers/,
    );
  });
});
