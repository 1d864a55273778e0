/**
 * Typed errors for the failure outcomes, so an activity can throw one and a workflow can branch on its type
 * name (Temporal carries `error.name` as the failure type). Messages say what happened and what to do; they are
 * built from the outcome's detail, which never holds a secret.
 */
import type { ExactFailure } from './outcomes';
import { MIN_REFRESH_INTERVAL_S } from './rules';

type FailureOf<K extends ExactFailure['kind']> = Extract<ExactFailure, { kind: K }>;

export abstract class ExactError extends Error {
  abstract override readonly name: string;
  readonly kind: ExactFailure['kind'];

  protected constructor(
    readonly outcome: ExactFailure,
    message: string,
  ) {
    super(message);
    this.kind = outcome.kind;
  }
}

/** Network, timeout, 5xx, unreadable answer, or an API 401 on a fresh token: retry with backoff. */
export class TransientExactError extends ExactError {
  override readonly name = 'TransientExactError';
  constructor(override readonly outcome: FailureOf<'transient'>) {
    const when = outcome.retryAfterS === undefined ? 'retry with backoff' : `retry in ${outcome.retryAfterS} s`;
    super(outcome, `Exact Online did not answer usefully (${outcome.cause}): ${when}. Details: ${outcome.detail}`);
  }
}

export class RateLimitedError extends ExactError {
  override readonly name = 'RateLimitedError';
  constructor(override readonly outcome: FailureOf<'rate-limited'>) {
    const what =
      outcome.scope === 'blocked'
        ? 'Exact Online blocked this app key after too many error responses'
        : `Exact Online's ${outcome.scope === 'unknown' ? '' : `${outcome.scope} `}rate limit is used up`;
    const todo =
      outcome.scope === 'blocked'
        ? `wait ${outcome.retryAfterS} s and find the calls that failed first: new errors may lengthen the block`
        : `wait ${outcome.retryAfterS} s before calling again`;
    super(outcome, `${what}: ${todo}. Details: ${outcome.detail}`);
  }
}

export class TooEarlyError extends ExactError {
  override readonly name = 'TooEarlyError';
  constructor(override readonly outcome: FailureOf<'too-early'>) {
    const wait = outcome.waitS === undefined ? '' : ` (another ${outcome.waitS} s)`;
    super(
      outcome,
      `Exact Online refused the refresh as too early: wait until ${MIN_REFRESH_INTERVAL_S} s have passed since the ` +
        `previous access token${wait}, then refresh once. Details: ${outcome.detail}`,
    );
  }
}

const BREAKS: Record<FailureOf<'chain-broken'>['chainBreak'], string> = {
  'old-refresh-token': 'old refresh token used, itgenoda494',
  'invalid-chain': 'the token or code belongs to no live chain',
  'refresh-token-expired': 'the refresh token expired unused, itgeneor362',
  'unknown-grant': 'Exact rejected the grant',
};

export class ChainBrokenError extends ExactError {
  override readonly name = 'ChainBrokenError';
  constructor(override readonly outcome: FailureOf<'chain-broken'>) {
    super(
      outcome,
      `The refresh-token chain is broken (${BREAKS[outcome.chainBreak]}): authorize again with renewAuthorization ` +
        `or enter credentials for auto-recovery. Details: ${outcome.detail}`,
    );
  }
}

const FIXES: Record<FailureOf<'misconfigured'>['problem'], string> = {
  'invalid-client': 'check the client ID and client secret against the Exact App Center',
  'redirect-uri': 'make the redirect URI equal, character for character, to the one registered in the App Center',
  scope: "set the app's scopes in the Exact App Center, then authorize again",
  'bad-request':
    'check the base URL and app settings; it is not retried because Exact blocks a key after 10 errors an hour',
  'unknown-host':
    "nothing was sent: name one of the worker's hosts in the container's input (exact.host), or configure the " +
    'worker for that host, then send refreshNow',
};

export class MisconfiguredError extends ExactError {
  override readonly name = 'MisconfiguredError';
  constructor(override readonly outcome: FailureOf<'misconfigured'>) {
    super(
      outcome,
      `The Exact Online app is set up wrong (${outcome.problem}): ${FIXES[outcome.problem]}. Details: ${outcome.detail}`,
    );
  }
}

/** The typed error for a failure outcome. */
export function errorFromOutcome(failure: ExactFailure): ExactError {
  switch (failure.kind) {
    case 'transient':
      return new TransientExactError(failure);
    case 'rate-limited':
      return new RateLimitedError(failure);
    case 'too-early':
      return new TooEarlyError(failure);
    case 'chain-broken':
      return new ChainBrokenError(failure);
    case 'misconfigured':
      return new MisconfiguredError(failure);
  }
}

/**
 * Error type names an activity retry policy must not retry: a broken chain or bad setup never heals by itself,
 * and a too-early refresh retried on a backoff schedule is exactly the storm that gets a key blocked (the
 * workflow waits out the 570 s and retries once). Transient and rate-limited errors stay retryable; their
 * `outcome.retryAfterS` is the delay to honour. Bad settings ({@link ExactSettingsError}) need an admin too.
 */
export const NON_RETRYABLE_EXACT_ERRORS = [
  'ChainBrokenError',
  'MisconfiguredError',
  'TooEarlyError',
  'ExactSettingsError',
] as const;

/** Bad settings given to this module (country, base URL, timeouts, empty token): fix the input, retrying won't help. */
export class ExactSettingsError extends Error {
  override readonly name = 'ExactSettingsError';
}
