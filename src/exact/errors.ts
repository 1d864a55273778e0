/**
 * What an Exact failure outcome means to the admin who reads it: one sentence of what happened and what to do,
 * built from the outcome's detail, which never holds a secret. The failure type that goes with it is the
 * contract's (EXACT_FAILURE_TYPES); activities/failures.ts joins the two.
 */
import type { ExactFailure } from './outcomes';
import { MIN_REFRESH_INTERVAL_S } from './rules';

type FailureOf<K extends ExactFailure['kind']> = Extract<ExactFailure, { kind: K }>;

const BREAKS: Record<FailureOf<'chain-broken'>['chainBreak'], string> = {
  'old-refresh-token': 'old refresh token used, itgenoda494',
  'invalid-chain': 'the token or code belongs to no live chain',
  'refresh-token-expired': 'the refresh token expired unused, itgeneor362',
  'unknown-grant': 'Exact rejected the grant',
};

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

function rateLimitedMessage(outcome: FailureOf<'rate-limited'>): string {
  const what =
    outcome.scope === 'blocked'
      ? 'Exact Online blocked this app key after too many error responses'
      : `Exact Online's ${outcome.scope === 'unknown' ? '' : `${outcome.scope} `}rate limit is used up`;
  const todo =
    outcome.scope === 'blocked'
      ? `wait ${outcome.retryAfterS} s and find the calls that failed first: new errors may lengthen the block`
      : `wait ${outcome.retryAfterS} s before calling again`;
  return `${what}: ${todo}. Details: ${outcome.detail}`;
}

/** The admin's message for a failure outcome. */
export function failureMessage(failure: ExactFailure): string {
  switch (failure.kind) {
    case 'transient': {
      const when = failure.retryAfterS === undefined ? 'retry with backoff' : `retry in ${failure.retryAfterS} s`;
      return `Exact Online did not answer usefully (${failure.cause}): ${when}. Details: ${failure.detail}`;
    }
    case 'rate-limited':
      return rateLimitedMessage(failure);
    case 'too-early': {
      const wait = failure.waitS === undefined ? '' : ` (another ${failure.waitS} s)`;
      return (
        `Exact Online refused the refresh as too early: wait until ${MIN_REFRESH_INTERVAL_S} s have passed since the ` +
        `previous access token${wait}, then refresh once. Details: ${failure.detail}`
      );
    }
    case 'chain-broken':
      return (
        `The refresh-token chain is broken (${BREAKS[failure.chainBreak]}): authorize again with renewAuthorization ` +
        `or enter credentials for auto-recovery. Details: ${failure.detail}`
      );
    case 'misconfigured':
      return `The Exact Online app is set up wrong (${failure.problem}): ${FIXES[failure.problem]}. Details: ${failure.detail}`;
  }
}

/** Bad settings given to this module (country, base URL, timeouts, empty token): fix the input, retrying won't help. */
export class ExactSettingsError extends Error {
  override readonly name = 'ExactSettingsError';
}
