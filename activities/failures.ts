import { ApplicationFailure } from '@temporalio/activity';
import { EXACT_FAILURE_TYPES, type FailureFacts, type FailureType } from '../contract/failures';
import { failureMessage } from '../src/exact/errors';
import type { ExactFailure } from '../src/exact/outcomes';

/**
 * Turns an Exact failure outcome into the ApplicationFailure the workflow branches on: the type from the
 * classifier's kind, the admin's message, and facts (wait time, break kind) as details.
 * Non-retryable: the workflow owns retries, so backoff shows in its status and no 4xx is repeated blindly.
 */
export function exactFailure(failure: ExactFailure, tokenCallMade: boolean): ApplicationFailure {
  const facts: FailureFacts = { tokenCallMade };
  if ('status' in failure && failure.status !== undefined) facts.status = failure.status;
  if (failure.kind === 'chain-broken') facts.chainBreak = failure.chainBreak;
  if (failure.kind === 'too-early' && failure.waitS !== undefined) facts.retryAfterS = failure.waitS;
  if ((failure.kind === 'transient' || failure.kind === 'rate-limited') && failure.retryAfterS !== undefined) {
    facts.retryAfterS = failure.retryAfterS;
  }
  // Once the token request was sent, any transient failure (no answer, a 5xx, a 2xx we cannot read) may hide a
  // rotation Exact performed: the retry waits out the 570 s rule rather than earn a "too early" error.
  if (tokenCallMade && failure.kind === 'transient') facts.answerMayBeLost = true;
  return ApplicationFailure.create({
    type: EXACT_FAILURE_TYPES[failure.kind],
    message: failureMessage(failure),
    nonRetryable: true,
    details: [facts],
  });
}

/** A failure of our own making (not enrolled, bad input, journal conflict), with the same shape. */
export function chainkeeperFailure(type: FailureType, message: string, facts: FailureFacts = {}): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [facts] });
}
