import { MIN_REFRESH_INTERVAL_S, type ExactRules } from '../src/exact/rules';

/** Extra seconds on top of Exact's 570 s rule: our receipt time and Exact's issue time differ by network latency. */
export const REFRESH_SAFETY_MARGIN_S = 2;

/**
 * The earliest moment a container refreshes after an access token received at `lastRefreshAtMs`: Exact refuses
 * an earlier refresh (docs/exact-online.md, "570 seconds"). Consumers that wait for a fresh token wait this long.
 */
export function refreshAllowedAt(lastRefreshAtMs: number | undefined, rules: ExactRules): number {
  if (lastRefreshAtMs === undefined) return 0;
  // The margin scales with the rule, so compressed-time runs keep the same share of the token's life.
  const marginMs = REFRESH_SAFETY_MARGIN_S * 1000 * Math.min(1, rules.minRefreshIntervalS / MIN_REFRESH_INTERVAL_S);
  return lastRefreshAtMs + rules.minRefreshIntervalS * 1000 + marginMs;
}
