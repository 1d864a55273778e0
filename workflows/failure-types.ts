/**
 * The `type` of every ApplicationFailure an activity throws, shared by activities (which throw them) and
 * workflows (which branch on them). Workflows never look at failure messages.
 */
export const FAILURE_TYPES = {
  /** Network error, timeout, 5xx, unreadable answer: retry with backoff. */
  transient: 'TransientExactError',
  /** 429 or a key blocked for too many errors: wait for the window to reset. */
  rateLimited: 'RateLimitedError',
  /** Refreshed before Exact's 570 s rule: wait, then retry once. */
  tooEarly: 'TooEarlyError',
  /** The chain cannot be refreshed any more: authorize again (by hand or by recovery). */
  chainBroken: 'ChainBrokenError',
  /** The app is set up wrong (client id/secret, redirect URI, scope): an admin must fix configuration. */
  misconfigured: 'MisconfiguredError',
  /** Input that cannot be used (malformed token or code, unknown app): say what is wrong, change nothing. */
  invalidInput: 'InvalidInputError',
  /** The container has no chain in the journal yet. */
  notEnrolled: 'NotEnrolledError',
} as const;

export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];

/** What an activity attaches to a failure, so the workflow can plan without parsing text. Holds no secret. */
export interface FailureFacts {
  /** Seconds to wait before trying again, when Exact said (Retry-After, rate-limit reset) or the journal knows. */
  retryAfterS?: number;
  /** For chain-broken: which way it broke (old-refresh-token, invalid-chain, refresh-token-expired, unknown-grant). */
  chainBreak?: string;
  /** HTTP status Exact answered, when there was an answer. */
  status?: number;
  /** Whether the call reached Exact's token endpoint (counts against the 200-a-day budget). */
  tokenCallMade?: boolean;
  /**
   * The token call may have been processed although we never saw the answer (timeout, dropped connection).
   * Exact then counts a new access token as issued, so a retry before 570 s would be refused as too early.
   */
  answerMayBeLost?: boolean;
}
