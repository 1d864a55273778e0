import { FAILURE_TYPES } from '../../contract/failures';
import type { ClassifiedFailure } from './failures';
import { backoffMs, type ResolvedOptions } from './schedule';

/** The retry series a failure continues: how many attempts so far, and how many too-early refusals in a row. */
export interface RetrySeries {
  retryAttempt: number;
  tooEarlyStreak: number;
}

/** What the workflow does after a failed refresh. */
export type FailurePlan =
  /** Wait for a human; `chainLost` says whether a renewal must start a new chain (undefined: as it was). */
  | { action: 'ask-human'; reason: string; chainLost?: boolean }
  /** Another container keeps this Exact user's chain: stop here (identity.ts). */
  | { action: 'stop-as-duplicate' }
  /** Try again at `atMs`; `lostAnswerAtMs` is set when the token call's answer may have been lost. */
  | ({ action: 'retry'; atMs: number; lostAnswerAtMs?: number } & RetrySeries);

/**
 * What to do after a failed refresh, decided by failure type and facts only, never by message text. Pure: the
 * caller passes the time and the retry series, and applies the plan (ContainerRun.afterFailure).
 */
export function planAfterFailure(
  failure: ClassifiedFailure,
  series: RetrySeries,
  options: ResolvedOptions,
  nowMs: number,
): FailurePlan {
  switch (failure.type) {
    case FAILURE_TYPES.chainBroken:
      return {
        action: 'ask-human',
        chainLost: true,
        reason:
          `the refresh-token chain is broken (${failure.facts.chainBreak ?? 'unknown'}): authorize again with ` +
          '`renewAuthorization` (a new authorization code or refresh token), or enter credentials for auto-recovery.',
      };
    case FAILURE_TYPES.duplicateUser:
      return { action: 'stop-as-duplicate' };
    case FAILURE_TYPES.misconfigured:
      return {
        action: 'ask-human',
        reason: `the app or host is set up wrong (${failure.message}). Fix the worker's settings or the container's input, then send \`refreshNow\`.`,
      };
    case FAILURE_TYPES.notEnrolled:
    case FAILURE_TYPES.invalidInput:
      return {
        action: 'ask-human',
        chainLost: failure.type === FAILURE_TYPES.notEnrolled,
        reason: `${failure.message} Send \`renewAuthorization\` with a refresh token or authorization code.`,
      };
    case FAILURE_TYPES.tooEarly: {
      // Exact counts an early refresh as an error: wait out the rule once; a second one in a row backs off fully.
      const next = { retryAttempt: series.retryAttempt + 1, tooEarlyStreak: series.tooEarlyStreak + 1 };
      const waitMs = Math.max((failure.facts.retryAfterS ?? options.rules.minRefreshIntervalS) * 1000, 1000);
      const backoff = next.tooEarlyStreak > 1 ? backoffMs(next.retryAttempt, options) : 0;
      return { action: 'retry', ...next, atMs: nowMs + Math.max(waitMs, backoff) };
    }
    default: {
      const retryAttempt = series.retryAttempt + 1;
      const atMs = nowMs + backoffMs(retryAttempt, options, failure.facts.retryAfterS);
      // Exact may have issued a pair we never received: retrying before the 570 s rule would be refused as too
      // early (an error that counts toward the key's block). The retry reads the journal at once (a stored pair
      // is taken as it is) and calls Exact only after the rule, counted from the latest lost call: the refresh
      // activity refuses earlier, without a token call.
      const lostAnswerAtMs = failure.facts.answerMayBeLost ? nowMs : undefined;
      return { action: 'retry', retryAttempt, tooEarlyStreak: series.tooEarlyStreak, atMs, lostAnswerAtMs };
    }
  }
}
