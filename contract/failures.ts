import type { LoginFailure } from '../src/browser/errors';
import type { ExactFailure } from '../src/exact/outcomes';

/**
 * The `type` of every ApplicationFailure an activity throws: activities throw them, workflows branch on them,
 * clients and metrics show them. Workflows never look at failure messages. One map, so a type is spelled once.
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

/** The failure type for each way an Exact answer can fail (src/exact/outcomes.ts decides the kind). */
export const EXACT_FAILURE_TYPES = {
  transient: FAILURE_TYPES.transient,
  'rate-limited': FAILURE_TYPES.rateLimited,
  'too-early': FAILURE_TYPES.tooEarly,
  'chain-broken': FAILURE_TYPES.chainBroken,
  misconfigured: FAILURE_TYPES.misconfigured,
} as const satisfies Record<ExactFailure['kind'], FailureType>;

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

/** `T` with each string-literal field widened to `string`. */
type AsText<T> = {
  [K in keyof T]: T[K] extends string ? string : T[K] extends string | undefined ? string | undefined : T[K];
};

/**
 * The evidence of a failed recovery login: the fields of the browser's {@link LoginFailure} as plain data. Their
 * words are plain strings here, because facts also come from elsewhere: a login refused before it began
 * (`submit-unconfirmed`), a dead worker's last heartbeat, and histories recorded by older workers.
 */
export type LoginFacts = AsText<LoginFailure>;
