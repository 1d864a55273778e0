/**
 * Exact's answer when a minutely window is used up (facts sheet §4.2): 429 with only the three minutely
 * headers, the reset in epoch ms at the end of the calendar minute. /Me's real limit and the `429` fault share
 * it, so a client meets one shape. Exact's 429 body is unconfirmed (§4.2): /Me gets the OData error envelope
 * of the REST API, the token endpoint its own `access_denied` JSON, as for its daily token limit.
 */
import { type Answer, odataErrorAnswer, tokenErrorAnswer } from './answer';

/** Which endpoint answers: their error bodies differ. */
export type RateLimitedEndpoint = 'token' | 'me';

export function minutelyRateLimitHeaders(limit: number, remaining: number, resetAtMs: number): Record<string, string> {
  return {
    'X-RateLimit-Minutely-Limit': String(limit),
    'X-RateLimit-Minutely-Remaining': String(remaining),
    'X-RateLimit-Minutely-Reset': String(resetAtMs),
  };
}

export function minutelyLimitAnswer(endpoint: RateLimitedEndpoint, limit: number, resetAtMs: number): Answer {
  const headers = minutelyRateLimitHeaders(limit, 0, resetAtMs);
  return endpoint === 'me'
    ? odataErrorAnswer(429, 'API rate limit exceeded: too many calls this minute', headers)
    : tokenErrorAnswer(429, 'access_denied', 'Rate limit exceeded: too many token requests this minute', { headers });
}
