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
  /** The browser login of a recovery did not end with an authorization code. */
  loginFailed: 'LoginFailedError',
  /** Recovery found no usable credentials (none entered, expired, or unreadable). */
  noCredentials: 'NoCredentialsError',
  /** Our store does not take writes (full disk, read-only): nothing was sent to Exact; retry with backoff. */
  storeUnavailable: 'StoreUnavailableError',
  /** A fresh start's input is wrong (unknown host, field or type, rules, an option out of range): the run fails. */
  badContainerInput: 'BadContainerInputError',
  /**
   * The chain belongs to an Exact user and app whose chain another container keeps (`duplicateOf` names it):
   * one container per user and app, or each new authorization ends the other's chain.
   */
  duplicateUser: 'DuplicateExactUserError',
} as const;

export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];

/** What an activity attaches to a failure, so the workflow can plan without parsing text. Holds no secret. */
export interface FailureFacts {
  /** Seconds to wait before trying again, when Exact said (Retry-After, rate-limit reset) or the journal knows. */
  retryAfterS?: number;
  /**
   * For chain-broken: which way it broke (old-refresh-token, invalid-chain, refresh-token-expired, unknown-grant,
   * or rotated-but-lost: our own earlier call rotated it and its answer never arrived).
   */
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
  /** For a duplicate Exact user: the alias of the container that keeps this user's chain for the app. */
  duplicateOf?: string;
  /** For a failed recovery login: where and why it failed, as evidence for the admin (never a secret). */
  login?: LoginFacts;
}

/** The evidence of a failed recovery login. */
export interface LoginFacts {
  step: string;
  reason: string;
  /** Trying again later can help (timeout, browser crash); never for rejected credentials. */
  retryable: boolean;
  /** The page's own error text, with credentials blanked. */
  pageError?: string;
  /** Screenshot of the failed page with every input blanked. */
  screenshotPath?: string;
  /** The TOTP step submitted before the failure: never submit its code again. */
  totpStep?: number;
  /**
   * The credential step ('username', 'password', 'totp') that was submitted and never confirmed by a recognised
   * next page. Set means the credentials may be wrong: no automatic login may use them again.
   */
  unconfirmedSubmit?: string;
}
