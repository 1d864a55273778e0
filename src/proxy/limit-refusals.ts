import { ProxyError } from './errors';
import { localTimeOf, type CompanyWindows } from './rate-window';

/** The day's calls of a company are spent: a 429 until Exact's daily reset (00:00 UTC), said in its words. */
export function dailyLimitSpent(windows: CompanyWindows, label: string, nowMs: number, marginMs: number): ProxyError {
  const day = windows.day!;
  const waitS = (localTimeOf(windows, day.resetAtMs) + marginMs - nowMs) / 1000;
  return new ProxyError(
    429,
    'daily_limit',
    `Exact's daily limit of ${day.limit ?? 'its'} calls for ${label} is spent; it resets at ` +
      `${new Date(day.resetAtMs).toISOString()}.`,
    Math.max(1, waitS),
  );
}

/** A request waited its whole queue timeout without being sent: a 503, to try again after the next reset. */
export function queueTimedOut(
  windows: CompanyWindows,
  label: string,
  queueTimeoutMs: number,
  nowMs: number,
): ProxyError {
  const minute = windows.minute;
  const waitS = minute ? (localTimeOf(windows, minute.resetAtMs) - nowMs) / 1000 : 60;
  return new ProxyError(
    503,
    'queue_timeout',
    `waited ${Math.round(queueTimeoutMs / 1000)} s in the queue for ${label} (60 calls a minute per company, ` +
      'shared by every consumer) without being sent; try again later.',
    Math.max(1, waitS),
  );
}

/**
 * A request waited its whole queue timeout for requests to its endpoint to come back: as many were on their way
 * as could each still be an error within the endpoint's budget. A 503, as for the company's queue.
 */
export function budgetWaitTimedOut(label: string, inFlight: number): ProxyError {
  return new ProxyError(
    503,
    'queue_timeout',
    `waited too long behind the ${inFlight} requests to ${label} still on their way (each could be an error, ` +
      'and the proxy keeps every endpoint below the 10 errors an hour at which Exact blocks the app key); try ' +
      'again later.',
    1,
  );
}
