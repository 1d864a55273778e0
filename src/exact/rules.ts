/**
 * Exact Online's rules for OAuth chains and the REST API, in one place, with units.
 *
 * Where each rule comes from, and how sure we are: docs/exact-online.md. Every duration is
 * part of {@link ExactRules} so a soak can run the same rules at, say, 1/100 of real time:
 * the simulator and the workflow scale together with {@link scaleRules}.
 *
 * This module has no imports on purpose: workflows/ may read these constants without losing determinism.
 */

/** An access token lives this long after it is issued, used or not. */
export const ACCESS_TOKEN_TTL_S = 600;
/** A new access token may be requested only this long after the previous one was received. */
export const MIN_REFRESH_INTERVAL_S = 570;
/** An authorization code is valid this long and only once. */
export const AUTH_CODE_TTL_S = 180;
/** A refresh token that is not used for this long expires (30 days). */
export const REFRESH_TOKEN_IDLE_TTL_S = 30 * 24 * 60 * 60;
/** Token-endpoint calls allowed per app key, per user, per UTC day. */
export const TOKEN_CALLS_PER_DAY = 200;
/** REST calls allowed per company (division) per calendar minute. */
export const API_CALLS_PER_MINUTE = 60;
/** REST calls allowed per company (division) per UTC day. */
export const API_CALLS_PER_DAY = 5000;
/** Error responses (400/401/403/404) per endpoint per hour before Exact blocks the key. */
export const ERRORS_PER_ENDPOINT_PER_HOUR = 10;
/** How long Exact blocks a key that exceeded the error budget. */
export const ERROR_BLOCK_S = 60 * 60;
/** RFC 6238 time step of the TOTP codes Exact asks for. */
export const TOTP_STEP_S = 30;
/** Digits of a TOTP code. */
export const TOTP_DIGITS = 6;

/** The durations of Exact's rules, as one value that can be scaled for compressed-time runs. */
export interface ExactRules {
  /** Access-token lifetime. @default 600 */
  accessTokenTtlS: number;
  /** Earliest refresh after the previous access token was received. @default 570 */
  minRefreshIntervalS: number;
  /** Authorization-code lifetime. @default 180 */
  authCodeTtlS: number;
  /** Idle lifetime of a refresh token. @default 2592000 (30 days) */
  refreshTokenIdleTtlS: number;
  /** Length of the "day" in which token calls are counted. @default 86400 */
  dayS: number;
  /** Length of the "minute" in which API calls are counted. @default 60 */
  minuteS: number;
  /** Length of the "hour" in which error responses are counted. @default 3600 */
  hourS: number;
  /** How long a key stays blocked after too many errors. @default 3600 */
  errorBlockS: number;
}

/** Exact Online's rules at real time. */
export const EXACT_RULES: Readonly<ExactRules> = Object.freeze({
  accessTokenTtlS: ACCESS_TOKEN_TTL_S,
  minRefreshIntervalS: MIN_REFRESH_INTERVAL_S,
  authCodeTtlS: AUTH_CODE_TTL_S,
  refreshTokenIdleTtlS: REFRESH_TOKEN_IDLE_TTL_S,
  dayS: 24 * 60 * 60,
  minuteS: 60,
  hourS: 60 * 60,
  errorBlockS: ERROR_BLOCK_S,
});

/**
 * The same rules at `factor` of real time (0.01 = a hundred times faster). Counts (200 token calls a day,
 * 60 calls a minute, 10 errors an hour) stay as they are; only their windows shrink.
 */
export function scaleRules(factor: number, rules: Readonly<ExactRules> = EXACT_RULES): ExactRules {
  if (!(factor > 0 && factor <= 1)) throw new RangeError(`time scale must be in (0, 1], got ${factor}`);
  const scaled = {} as ExactRules;
  for (const [key, value] of Object.entries(rules) as [keyof ExactRules, number][]) scaled[key] = value * factor;
  return scaled;
}
