import type { ContainerOptions } from '../../contract/container';
import { refreshAllowedAt } from '../../contract/refresh-timing';
import { EXACT_RULES, TOKEN_CALLS_PER_DAY, type ExactRules } from '../../src/exact/rules';
import {
  CREDENTIALS_TTL_MS,
  CYCLES_PER_RUN,
  RECOVERIES_PER_DAY,
  RETRY_INITIAL_MS,
  RETRY_MAX_MS,
} from './option-limits';

/**
 * When to refresh and how long to back off: pure functions of state and time, so they are unit-tested on
 * their own (test/workflows/schedule.test.ts) and replay identically.
 */

/** Token calls we keep in reserve below Exact's daily budget for renewals and recovery. */
export const TOKEN_CALL_RESERVE = 10;

export interface ResolvedOptions {
  refreshIntervalMs: number;
  rules: ExactRules;
  retryInitialMs: number;
  retryMaxMs: number;
  cyclesPerRun: number;
  recoveriesPerDay: number;
  credentialsTtlMs: number;
}

/**
 * Options with their defaults filled in, under `rules` (the worker's; a caller outside the workflow may pass them
 * as `options.rules`). Bounds are checked before this (container-input.ts), not here.
 */
export function resolveOptions(
  options: ContainerOptions & { rules?: ExactRules } = {},
  rules: ExactRules = options.rules ?? EXACT_RULES,
): ResolvedOptions {
  return {
    rules,
    refreshIntervalMs: options.refreshIntervalMs ?? rules.minRefreshIntervalS * 1000,
    retryInitialMs: options.retryInitialMs ?? RETRY_INITIAL_MS,
    retryMaxMs: options.retryMaxMs ?? RETRY_MAX_MS,
    cyclesPerRun: options.cyclesPerRun ?? CYCLES_PER_RUN,
    recoveriesPerDay: options.recoveriesPerDay ?? RECOVERIES_PER_DAY,
    credentialsTtlMs: options.credentialsTtlMs ?? CREDENTIALS_TTL_MS,
  };
}

/** The earliest moment Exact accepts the next refresh after an access token received at `lastRefreshAtMs`. */
export function earliestRefreshAt(lastRefreshAtMs: number | undefined, options: ResolvedOptions): number {
  return refreshAllowedAt(lastRefreshAtMs, options.rules);
}

/** When the next regular refresh is due; `refreshNow` moves it to {@link earliestRefreshAt}, never earlier. */
export function nextRefreshAt(lastRefreshAtMs: number | undefined, options: ResolvedOptions, now: boolean): number {
  const earliest = earliestRefreshAt(lastRefreshAtMs, options);
  if (now || lastRefreshAtMs === undefined) return earliest;
  return Math.max(earliest, lastRefreshAtMs + options.refreshIntervalMs);
}

/** Capped exponential backoff for the n-th retry (1-based), stretched to what Exact asked us to wait. */
export function backoffMs(attempt: number, options: ResolvedOptions, retryAfterS?: number): number {
  const exponential = Math.min(options.retryMaxMs, options.retryInitialMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(exponential, (retryAfterS ?? 0) * 1000);
}

/** Index of the token-budget day (UTC days, or scaled days in compressed-time runs). */
export function dayIndex(nowMs: number, options: ResolvedOptions): number {
  return Math.floor(nowMs / (options.rules.dayS * 1000));
}

/** Start of the next token-budget day. */
export function nextDayStart(nowMs: number, options: ResolvedOptions): number {
  return (dayIndex(nowMs, options) + 1) * options.rules.dayS * 1000;
}

/** Whether one more token call today stays within Exact's 200-a-day budget less our reserve. */
export function withinTokenBudget(callsToday: number): boolean {
  return callsToday < TOKEN_CALLS_PER_DAY - TOKEN_CALL_RESERVE;
}
