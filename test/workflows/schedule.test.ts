import { describe, expect, it } from 'vitest';
import { EXACT_RULES, scaleRules } from '../../src/exact/rules';
import {
  backoffMs,
  dayIndex,
  earliestRefreshAt,
  nextDayStart,
  nextRefreshAt,
  resolveOptions,
  TOKEN_CALL_RESERVE,
  withinTokenBudget,
} from '../../workflows/container/schedule';

const DAY_MS = 24 * 60 * 60 * 1000;
const options = resolveOptions();
const T = 1_700_000_000_000;

describe('schedule', () => {
  it('fills in defaults under the given rules', () => {
    expect(options).toMatchObject({ refreshIntervalMs: 570_000, retryInitialMs: 10_000, retryMaxMs: 300_000 });
    expect(resolveOptions({}, scaleRules(0.01)).refreshIntervalMs).toBe(5700);
    expect(resolveOptions({ refreshIntervalMs: 3_600_000 }).refreshIntervalMs).toBe(3_600_000);
  });

  it('refreshes no earlier than 570 s and a 2 s margin after the last token, the margin scaled with the rules', () => {
    expect(earliestRefreshAt(undefined, options)).toBe(0);
    expect(earliestRefreshAt(T, options)).toBe(T + 572_000);
    expect(earliestRefreshAt(T, resolveOptions({}, scaleRules(0.01)))).toBe(T + 5700 + 20);
  });

  it('refreshes at the interval, and refreshNow brings it forward to the rule, never earlier', () => {
    const hourly = resolveOptions({ refreshIntervalMs: 3_600_000 });
    expect(nextRefreshAt(T, hourly, false)).toBe(T + 3_600_000);
    expect(nextRefreshAt(T, hourly, true)).toBe(T + 572_000);
    // An interval at the rule still waits for the margin.
    expect(nextRefreshAt(T, options, false)).toBe(T + 572_000);
    expect(nextRefreshAt(undefined, hourly, false)).toBe(0);
  });

  it('backs off exponentially up to the cap, stretched to what Exact asked', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, options))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000,
    ]);
    expect(backoffMs(1, options, 90)).toBe(90_000);
    expect(backoffMs(0, options)).toBe(10_000);
  });

  it('counts token calls per UTC day, or per scaled day', () => {
    const midnight = 20_000 * DAY_MS;
    expect(dayIndex(midnight - 1, options)).toBe(19_999);
    expect(dayIndex(midnight, options)).toBe(20_000);
    expect(nextDayStart(midnight - 1, options)).toBe(midnight);
    expect(nextDayStart(midnight, options)).toBe(midnight + DAY_MS);
    const scaled = resolveOptions({}, scaleRules(0.01));
    expect(nextDayStart(1, scaled)).toBe(EXACT_RULES.dayS * 10);
  });

  it('keeps a reserve below Exact’s 200 token calls a day', () => {
    expect(withinTokenBudget(200 - TOKEN_CALL_RESERVE - 1)).toBe(true);
    expect(withinTokenBudget(200 - TOKEN_CALL_RESERVE)).toBe(false);
  });
});
