import { ERROR_BLOCK_S } from './rules';
import type { HttpResponse } from './http';
import type { ExactFailure, RateLimits } from './outcomes';

type RateLimited = Extract<ExactFailure, { kind: 'rate-limited' }>;

/** The six rate-limit headers (facts §4.2), where present and numeric. */
export function parseRateLimits(headers: Record<string, string>): RateLimits | undefined {
  const limits: RateLimits = {};
  const fields: [keyof RateLimits, string][] = [
    ['dailyLimit', 'x-ratelimit-limit'],
    ['dailyRemaining', 'x-ratelimit-remaining'],
    ['dailyResetMs', 'x-ratelimit-reset'],
    ['minutelyLimit', 'x-ratelimit-minutely-limit'],
    ['minutelyRemaining', 'x-ratelimit-minutely-remaining'],
    ['minutelyResetMs', 'x-ratelimit-minutely-reset'],
  ];
  for (const [field, header] of fields) {
    const value = headers[header]?.trim();
    if (value !== undefined && /^\d+$/.test(value)) limits[field] = Number(value);
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/**
 * "Now" on Exact's clock when its `Date` header is readable, else ours: reset headers are Exact's epoch ms,
 * and a skewed local clock makes naive sleeps far too short or long (picqer#521).
 */
export function exactNowMs(headers: Record<string, string>, localNowMs: number): number {
  const date = headers.date === undefined ? NaN : Date.parse(headers.date);
  return Number.isFinite(date) ? date : localNowMs;
}

/** `Retry-After` in whole seconds (delta-seconds or HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(headers: Record<string, string>, nowMs: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - nowMs) / 1000)) : undefined;
}

/** A 429, or a 403 saying the key is blocked, as a rate-limited outcome; undefined for anything else. */
export function classifyRateLimit(response: HttpResponse, text: string, localNowMs: number): RateLimited | undefined {
  const { status, headers } = response;
  const now = exactNowMs(headers, localNowMs);
  const rateLimits = parseRateLimits(headers);
  const retryAfter = parseRetryAfter(headers, now);
  if (status === 403 && isBlocked(headers, text)) {
    const retryAfterS = Math.max(1, retryAfter ?? ERROR_BLOCK_S);
    return {
      kind: 'rate-limited',
      scope: 'blocked',
      retryAfterS,
      detail: `HTTP 403: Exact blocked this app key for too many error responses; retry after ${retryAfterS} s`,
      rateLimits,
    };
  }
  if (status !== 429) return undefined;
  const scope = rateLimitScope(rateLimits, text);
  const retryAfterS = waitFor(scope, rateLimits, retryAfter, now);
  return {
    kind: 'rate-limited',
    scope,
    retryAfterS,
    detail: `HTTP 429: Exact's ${scope === 'unknown' ? '' : `${scope} `}rate limit is exhausted; retry after ${retryAfterS} s`,
    rateLimits,
  };
}

function isBlocked(headers: Record<string, string>, text: string): boolean {
  return /^\s*blocked/i.test(headers.reason ?? '') || /blocked:\s*too many errors/i.test(text);
}

function rateLimitScope(limits: RateLimits | undefined, text: string): RateLimited['scope'] {
  // Exact sends only the headers of the window that ran out (picqer#646); if both came, the empty one wins.
  if (limits?.dailyRemaining === 0 && limits.dailyResetMs !== undefined) return 'daily';
  if (limits?.minutelyResetMs !== undefined) return 'minutely';
  if (limits?.dailyResetMs !== undefined) return 'daily';
  if (/(per|a|each)\s+day|daily/i.test(text)) return 'daily';
  return 'unknown';
}

const MINUTE_S = 60;
const DAY_S = 24 * 60 * 60;

function waitFor(
  scope: RateLimited['scope'],
  limits: RateLimits | undefined,
  retryAfter: number | undefined,
  now: number,
) {
  if (scope === 'minutely' && limits?.minutelyResetMs !== undefined) {
    return untilReset(limits.minutelyResetMs, now, MINUTE_S);
  }
  if (scope === 'daily') {
    if (limits?.dailyResetMs !== undefined) return untilReset(limits.dailyResetMs, now, DAY_S);
    if (retryAfter !== undefined) return Math.max(1, retryAfter);
    // The daily windows reset at 00:00 UTC (facts §4.2).
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    return Math.max(1, Math.ceil((midnight.getTime() - now) / 1000));
  }
  return Math.max(1, retryAfter ?? MINUTE_S);
}

/** Seconds until `resetMs`, at least 1 and at most one window (a far-off reset is a clock problem, not a wait). */
function untilReset(resetMs: number, now: number, windowS: number): number {
  return Math.min(windowS, Math.max(1, Math.ceil((resetMs - now) / 1000)));
}
