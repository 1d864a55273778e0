import { exactNowMs, parseRateLimits } from '../exact/rate-limits';
import { DEFAULT_MINUTELY_LIMIT } from './constants';

/** One of Exact's fixed windows (a calendar minute, a UTC day) as its headers last described it. */
export interface RateWindow {
  limit?: number;
  /** Calls left, as Exact counted them when it last answered. */
  remaining: number;
  /** When the window ends, epoch ms on Exact's clock. */
  resetAtMs: number;
  /** The reset has passed: `remaining` is our assumption (the full limit) until Exact describes the new window. */
  rolled: boolean;
}

/** What the proxy knows of one company's limits: both windows and Exact's clock. */
export interface CompanyWindows {
  minute?: RateWindow;
  day?: RateWindow;
  /** Exact's clock minus ours (ms), from the `Date` of its last answer. */
  offsetMs: number;
}

/**
 * Learns from one answer's headers. Answers can arrive out of order: an older window's headers are ignored,
 * and within one window the fewest calls left wins. The `Date` header has whole seconds and is stamped before
 * the answer travels, so the offset it gives is never ahead of Exact: waits computed from it err on the long side.
 */
export function observeAnswer(windows: CompanyWindows, headers: Record<string, string>, localNowMs: number): void {
  if (headers.date !== undefined) windows.offsetMs = exactNowMs(headers, localNowMs) - localNowMs;
  const limits = parseRateLimits(headers);
  if (limits?.minutelyRemaining !== undefined && limits.minutelyResetMs !== undefined) {
    windows.minute = merged(windows.minute, limits.minutelyLimit, limits.minutelyRemaining, limits.minutelyResetMs);
  }
  if (limits?.dailyRemaining !== undefined && limits.dailyResetMs !== undefined) {
    windows.day = merged(windows.day, limits.dailyLimit, limits.dailyRemaining, limits.dailyResetMs);
  }
}

function merged(window: RateWindow | undefined, limit: number | undefined, remaining: number, resetAtMs: number) {
  if (!window || resetAtMs > window.resetAtMs)
    return { limit: limit ?? window?.limit, remaining, resetAtMs, rolled: false };
  if (resetAtMs === window.resetAtMs && !window.rolled) {
    window.remaining = Math.min(window.remaining, remaining);
    window.limit = limit ?? window.limit;
  }
  return window;
}

/** Past its reset (plus `marginMs`), a window starts over with its full limit; a day without a known limit is forgotten. */
export function rollWindows(windows: CompanyWindows, localNowMs: number, marginMs: number): void {
  const exactNow = localNowMs + windows.offsetMs;
  const { minute, day } = windows;
  if (minute && !minute.rolled && exactNow >= minute.resetAtMs + marginMs) {
    minute.remaining = minute.limit ?? DEFAULT_MINUTELY_LIMIT;
    minute.rolled = true;
  }
  if (day && !day.rolled && exactNow >= day.resetAtMs + marginMs) {
    if (day.limit === undefined) windows.day = undefined;
    else Object.assign(day, { remaining: day.limit, rolled: true });
  }
}

/** Exact refused for the minute without saying when it resets: nothing more until `retryAfterS` has passed. */
export function pauseMinute(windows: CompanyWindows, localNowMs: number, retryAfterS: number): void {
  const until = localNowMs + windows.offsetMs + retryAfterS * 1000;
  const minute = windows.minute;
  if (minute && !minute.rolled && minute.remaining === 0 && minute.resetAtMs >= until) return;
  windows.minute = { limit: minute?.limit, remaining: 0, resetAtMs: until, rolled: false };
}

/** When `exactMs` on Exact's clock is on ours. */
export function localTimeOf(windows: CompanyWindows, exactMs: number): number {
  return exactMs - windows.offsetMs;
}

/** What may happen to the first request in a company's queue now. */
export type Admission = 'go' | 'busy' | 'day-spent' | { waitUntil: number };

/**
 * Whether the next request may go: not once the day is spent (counting those in flight), not beyond
 * `maxInFlight`, only one until Exact has said its limits (they come with the first answer for a company), and not
 * while the minute is spent, until its reset (`waitUntil`, on our clock) or until requests in flight come back.
 */
export function admission(
  windows: CompanyWindows,
  inFlight: number,
  maxInFlight: number,
  localNowMs: number,
  marginMs: number,
): Admission {
  rollWindows(windows, localNowMs, marginMs);
  const { minute, day } = windows;
  if (day && day.remaining - inFlight <= 0) return 'day-spent';
  if (inFlight >= maxInFlight) return 'busy';
  if (!minute && !day) return inFlight === 0 ? 'go' : 'busy';
  if (minute && minute.remaining - inFlight <= 0) {
    return minute.rolled ? 'busy' : { waitUntil: localTimeOf(windows, minute.resetAtMs) + marginMs };
  }
  return 'go';
}
