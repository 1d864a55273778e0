/**
 * What an Exact Online response means, decided once (by classify.ts) and then trusted everywhere:
 * workflows branch on these kinds, never on message text. No outcome carries a secret.
 */

/** Rate-limit headers of a REST call, as epoch milliseconds where Exact sends them. */
export interface RateLimits {
  dailyLimit?: number;
  dailyRemaining?: number;
  dailyResetMs?: number;
  minutelyLimit?: number;
  minutelyRemaining?: number;
  minutelyResetMs?: number;
}

/** A token-endpoint success. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token is valid, from Exact's `expires_in` ("600"). */
  expiresInS: number;
}

/** Why a chain can no longer be refreshed; a human (or recovery) must authorize again. */
export type ChainBreak =
  /** 401 unauthorized_client "Old refresh token used." — the chain moved on without us (itgenoda494-like). */
  | 'old-refresh-token'
  /** 400 invalid_grant "Token is not allowed, because of invalid or empty chainId" — foreign, stale or garbage token or code. */
  | 'invalid-chain'
  /** 400 invalid_request "The refresh token expired at …" — unused for 30 days (itgeneor362). */
  | 'refresh-token-expired'
  /** Another 400 invalid_grant we cannot refine (an expired or reused authorization code lands here too). */
  | 'unknown-grant';

/**
 * Why the app itself is set up wrong; an admin must fix configuration, retrying will not help. `unknown-host`:
 * the container names a host the worker does not know, so nothing was sent anywhere.
 */
export type Misconfiguration = 'invalid-client' | 'redirect-uri' | 'scope' | 'bad-request' | 'unknown-host';

export type ExactOutcome<T> =
  | { kind: 'ok'; value: T; rateLimits?: RateLimits }
  /** Worth retrying with backoff: network failure, timeout, 5xx, HTML or unreadable body. */
  | {
      kind: 'transient';
      cause: TransientCause;
      status?: number;
      retryAfterS?: number;
      detail: string;
      rateLimits?: RateLimits;
    }
  /** 429, or the key is blocked for too many errors: wait until the window resets. */
  | {
      kind: 'rate-limited';
      scope: 'minutely' | 'daily' | 'blocked' | 'unknown';
      retryAfterS: number;
      detail: string;
      rateLimits?: RateLimits;
    }
  /**
   * Refreshed sooner than 570 s after the previous access token (itgeneor361/364). `waitS` is left undefined by the
   * classifier: only the caller knows (from the journal) when the previous access token was received.
   */
  | { kind: 'too-early'; waitS?: number; detail: string }
  | { kind: 'chain-broken'; chainBreak: ChainBreak; status: number; detail: string }
  | { kind: 'misconfigured'; problem: Misconfiguration; status: number; detail: string; rateLimits?: RateLimits };

/** `unauthorized-api`: /Me answered 401 to a freshly issued access token; the caller decides what that means. */
export type TransientCause = 'network' | 'timeout' | 'server-error' | 'bad-response' | 'unauthorized-api';

export type ExactFailure = Exclude<ExactOutcome<never>, { kind: 'ok' }>;
