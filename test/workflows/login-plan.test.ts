import { describe, expect, it } from 'vitest';
import { FAILURE_TYPES, type LoginFacts } from '../../contract/failures';
import { planAfterLoginFailure } from '../../workflows/recovery/login-plan';

const loginFailed = (login: LoginFacts) => ({
  type: FAILURE_TYPES.loginFailed,
  message: 'login failed',
  facts: { login, tokenCallMade: false },
});

describe('what a failed recovery login means for the credentials (the lockout invariant)', () => {
  it('holds the entry after any unconfirmed submit, whatever the page said or did not say', () => {
    for (const reason of [
      'unexpected-page',
      'timeout',
      'browser-failed',
      'credentials-rejected',
      'submit-unconfirmed',
    ]) {
      for (const step of ['password', 'totp']) {
        const plan = planAfterLoginFailure(
          loginFailed({ step, reason, retryable: reason === 'timeout', unconfirmedSubmit: step }),
        );
        expect(plan.suspect, `${step} ${reason}`).toContain(step);
        expect(plan.retrySoon, `${step} ${reason}`).toBe(false);
      }
    }
  });

  it('does not hold the entry when only the user name was submitted, unless the site refused it', () => {
    for (const reason of ['unexpected-page', 'timeout', 'submit-unconfirmed']) {
      const plan = planAfterLoginFailure(
        loginFailed({ step: 'username', reason, retryable: reason === 'timeout', unconfirmedSubmit: 'username' }),
      );
      expect(plan, reason).toEqual({ retrySoon: reason === 'timeout' });
    }
    const refused = loginFailed({
      step: 'username',
      reason: 'credentials-rejected',
      retryable: false,
      unconfirmedSubmit: 'username',
    });
    expect(planAfterLoginFailure(refused).suspect).toBeDefined();
  });

  it('holds the entry when the site refused it, even without a recorded submit', () => {
    const plan = planAfterLoginFailure(loginFailed({ step: 'password', reason: 'account-locked', retryable: false }));
    expect(plan).toEqual({ suspect: 'the site refused the password step', retrySoon: false });
  });

  it('retries soon a login that failed before any credential left the worker', () => {
    for (const reason of ['timeout', 'browser-failed', 'not-submitted']) {
      const plan = planAfterLoginFailure(loginFailed({ step: 'open', reason, retryable: true }));
      expect(plan).toEqual({ retrySoon: true });
    }
  });

  it('neither holds nor retries soon an unknown page before any submit (the hourly retry may)', () => {
    const plan = planAfterLoginFailure(loginFailed({ step: 'open', reason: 'origin-refused', retryable: false }));
    expect(plan).toEqual({ retrySoon: false });
  });

  it('retries a failed code exchange or a dead worker (the vault mark stops a second submit)', () => {
    expect(planAfterLoginFailure({ type: FAILURE_TYPES.transient, message: 'x', facts: {} })).toEqual({
      retrySoon: true,
    });
    expect(planAfterLoginFailure({ type: FAILURE_TYPES.rateLimited, message: 'x', facts: {} })).toEqual({
      retrySoon: false,
    });
  });
});
