import { EXACT_RULES, MIN_REFRESH_INTERVAL_S, type ExactRules } from '../../src/exact/rules';

/**
 * Every container option's default and bounds, with units, in one place. Bounds that follow Exact's rules are
 * computed from the worker's rules (scaled in compressed-time runs); the others are fixed.
 */

/** Credentials are kept this long after they are entered, then deleted (re-entry restarts it): at most 30 days. */
export const CREDENTIALS_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Browser logins per container per day: enough to heal, too few to lock an account. Also the most allowed. */
export const RECOVERIES_PER_DAY = 3;
/** Refresh cycles per run before continue-as-new (about 16 hours at 9.5 minutes). */
export const CYCLES_PER_RUN = 100;
/** Fewer cycles per run would spend more on continue-as-new than they save in replay. */
export const MIN_CYCLES_PER_RUN = 10;
/** More would let an evicted container replay over 10,000 events for each refresh and query. */
export const MAX_CYCLES_PER_RUN = 1000;
/** Runs recorded before the bounds existed may have fewer (a test's 3); they replay with what they had. */
export const LEGACY_MIN_CYCLES_PER_RUN = 1;
/** First backoff after a transient failure. */
export const RETRY_INITIAL_MS = 10_000;
/** Longest backoff between retries. */
export const RETRY_MAX_MS = 300_000;
/** The shortest first backoff at real time (scaled with the rules): faster would hammer Exact. */
export const MIN_RETRY_INITIAL_MS = 1_000;
/** The longest first backoff: a transient failure should not park a chain for longer. */
export const MAX_RETRY_INITIAL_MS = 10 * 60 * 1000;
/** The longest backoff: an hour, well inside the 30 days a refresh token survives unused. */
export const MAX_RETRY_MAX_MS = 60 * 60 * 1000;
/** Rules in legacy inputs are clamped to at least this fraction of Exact's (a soak's 1/20, a benchmark's 1/500). */
export const MIN_TIME_SCALE = 0.001;

/** How much faster than real time the rules run (1 at real time, 0.05 in a soak). */
export function timeScaleOf(rules: Readonly<ExactRules>): number {
  return rules.minRefreshIntervalS / MIN_REFRESH_INTERVAL_S;
}

/** An inclusive range of a numeric option, with the example an admin is told to type. */
export interface OptionRange {
  min: number;
  max: number;
  /** Whole numbers only. */
  integer: boolean;
  example: number;
}

/** The bounds of each option under `rules` (the worker's); `retryInitialMs` bounds `retryMaxMs` from below. */
export function optionRanges(
  rules: Readonly<ExactRules>,
  retryInitialMs: number = RETRY_INITIAL_MS,
): Record<
  'refreshIntervalMs' | 'retryInitialMs' | 'retryMaxMs' | 'cyclesPerRun' | 'recoveriesPerDay' | 'credentialsTtlMs',
  OptionRange
> {
  const scale = timeScaleOf(rules);
  return {
    refreshIntervalMs: {
      min: rules.minRefreshIntervalS * 1000,
      max: rules.dayS * 1000,
      integer: true,
      example: rules.minRefreshIntervalS * 1000,
    },
    retryInitialMs: {
      min: Math.ceil(MIN_RETRY_INITIAL_MS * scale),
      max: MAX_RETRY_INITIAL_MS,
      integer: true,
      example: RETRY_INITIAL_MS,
    },
    retryMaxMs: { min: retryInitialMs, max: MAX_RETRY_MAX_MS, integer: true, example: RETRY_MAX_MS },
    cyclesPerRun: { min: MIN_CYCLES_PER_RUN, max: MAX_CYCLES_PER_RUN, integer: true, example: CYCLES_PER_RUN },
    recoveriesPerDay: { min: 0, max: RECOVERIES_PER_DAY, integer: true, example: RECOVERIES_PER_DAY },
    credentialsTtlMs: {
      min: rules.hourS * 1000,
      max: CREDENTIALS_TTL_MS,
      integer: true,
      example: CREDENTIALS_TTL_MS,
    },
  };
}

/** `value` moved into `range` (a non-number becomes undefined: the default applies). */
export function clampToRange(value: unknown, range: Pick<OptionRange, 'min' | 'max'>): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(range.max, Math.max(range.min, value));
}

/**
 * Rules a legacy input carries, each clamped between {@link MIN_TIME_SCALE} of Exact's and Exact's own: an input
 * may have slowed nothing down and sped nothing up past what any worker runs.
 */
export function clampLegacyRules(rules: unknown): ExactRules {
  const given = (typeof rules === 'object' && rules !== null ? rules : {}) as Partial<
    Record<keyof ExactRules, unknown>
  >;
  const clamped = {} as ExactRules;
  for (const key of Object.keys(EXACT_RULES) as (keyof ExactRules)[]) {
    const real = EXACT_RULES[key];
    clamped[key] = clampToRange(given[key], { min: real * MIN_TIME_SCALE, max: real }) ?? real;
  }
  return clamped;
}
