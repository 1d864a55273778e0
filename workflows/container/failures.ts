import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure } from '@temporalio/workflow';
import { FAILURE_TYPES, type FailureFacts } from '../../contract/failures';

/** An activity failure reduced to what the workflow branches on: its type and the facts attached to it. */
export interface ClassifiedFailure {
  type: string;
  message: string;
  facts: FailureFacts;
}

/**
 * Reads the type and facts an activity attached. A timeout (the worker died mid-call) or anything unexpected
 * counts as transient: a refresh's next attempt consults the journal and a recovery's logs in afresh, so retrying
 * is safe.
 */
export function classifyFailure(err: unknown): ClassifiedFailure {
  const cause = err instanceof ActivityFailure || err instanceof ChildWorkflowFailure ? err.cause : err;
  const activity = err instanceof ActivityFailure ? err.activityType : undefined;
  if (cause instanceof ApplicationFailure && cause.type) {
    const facts = (cause.details?.[0] ?? {}) as FailureFacts;
    return { type: cause.type, message: cause.message, facts };
  }
  if (cause instanceof TimeoutFailure) {
    const facts: FailureFacts = { tokenCallMade: true, answerMayBeLost: true };
    // A login that died after a submit said so in its last heartbeat (when the heartbeat got through).
    const progress = cause.lastHeartbeatDetails as { unconfirmedSubmit?: unknown } | null | undefined;
    if (typeof progress?.unconfirmedSubmit === 'string') {
      facts.login = {
        step: progress.unconfirmedSubmit,
        reason: 'timeout',
        retryable: false,
        unconfirmedSubmit: progress.unconfirmedSubmit,
      };
      return {
        type: FAILURE_TYPES.loginFailed,
        message: `the ${activity ?? 'activity'} activity timed out after submitting the ${progress.unconfirmedSubmit} step`,
        facts,
      };
    }
    return {
      type: FAILURE_TYPES.transient,
      message: `the ${activity ?? 'activity'} activity timed out (worker stopped or unreachable); safe to retry`,
      // Exact may have issued a pair the dead worker never stored: the retry must wait out the 570 s rule.
      facts,
    };
  }
  return {
    type: FAILURE_TYPES.transient,
    message: `unexpected failure: ${cause instanceof Error ? cause.message : String(cause)}`,
    facts: { tokenCallMade: true },
  };
}
