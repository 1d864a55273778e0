import type { ClassifiedFailure } from '../container/failures';
import { FAILURE_TYPES } from '../../contract/failures';

/** Login failures that mean the credentials themselves are wrong. */
const REFUSALS = new Set(['credentials-rejected', 'totp-rejected', 'account-locked']);

/** What a failed recovery login means for the credentials entry and the recovery. */
export interface LoginPlan {
  /**
   * Why the entry is now suspect: no automatic login may use it until an admin acts. Undefined when nothing was
   * submitted that a next page did not confirm, so the entry is as trustworthy as before.
   */
  suspect?: string;
  /** A fresh login in a moment may succeed and cannot cost a credential submission: try once more within this recovery. */
  retrySoon: boolean;
}

/**
 * The lockout invariant, decided from the failure's facts alone and never from page text: once a password or
 * TOTP code was submitted, every outcome but a recognised next page makes the entry suspect. Only failures before
 * any credential left the worker may be retried automatically. A failure we cannot read (a worker that died
 * mid-login) may be retried: the next attempt's activity finds the durable "submit pending" mark in the vault and
 * refuses, so at most one unconfirmed submit happens per entry.
 */
export function planAfterLoginFailure(failure: ClassifiedFailure): LoginPlan {
  const login = failure.facts.login;
  if (failure.type === FAILURE_TYPES.loginFailed && login) {
    // A user name alone cannot count toward a lockout: only a password or a code makes a submit unsafe to repeat.
    if (login.unconfirmedSubmit === 'password' || login.unconfirmedSubmit === 'totp') {
      const refused = REFUSALS.has(login.reason) ? `refused (${login.reason})` : `not confirmed (${login.reason})`;
      return { suspect: `the ${login.unconfirmedSubmit} step was submitted and ${refused}`, retrySoon: false };
    }
    if (REFUSALS.has(login.reason)) return { suspect: `the site refused the ${login.step} step`, retrySoon: false };
    return { retrySoon: login.retryable };
  }
  // The code exchange after a confirmed login, or a worker that died: a fresh login is safe (see above).
  return { retrySoon: failure.type === FAILURE_TYPES.transient };
}
