/**
 * What a login has done so far, told to the caller's hooks as it happens: which steps were submitted, which of
 * those a next page confirmed, which passed. The confirmation rule lives here and nowhere else:
 * a submit is confirmed by a page of a later step (username < password < totp < consent), and by the redirect
 * (a username submit by any redirect; a password or code submit only by a redirect with a code). An
 * interstitial question in between neither confirms nor refutes.
 */
import type { CredentialStep, LoginStep } from './errors';
import type { LoginHooks } from './login-options';
import type { ProfileStepName } from './profiles';

/** Login order; a page of a later step means the earlier submits passed. */
const ORDER: Readonly<Record<ProfileStepName, number>> = { username: 0, password: 1, totp: 2, consent: 3 };

/** A hook that only listens must not end the login. */
async function quietly(call: () => unknown): Promise<void> {
  try {
    await call();
  } catch {
    // Ignored by contract (see LoginHooks): a mark the caller failed to clear stays, the safe side.
  }
}

export class WalkProgress {
  /** The step the login is at, for a failure's `step`. */
  step: LoginStep = 'open';
  /** The TOTP step of the code typed, once one was. */
  totpStep: number | undefined;
  /** Codes typed so far, only to remove them from error texts. */
  readonly codesTyped: string[] = [];
  /** The last credential step submitted that no next page confirmed yet. */
  unconfirmed: CredentialStep | undefined;
  /** The last step submitted (credential or consent). */
  lastSubmitted: ProfileStepName | undefined;
  /** Steps passed, in order. */
  readonly passed: LoginStep[] = [];
  private readonly submitted = new Set<ProfileStepName>();

  constructor(private readonly hooks: LoginHooks) {}

  /** Whether `step` was submitted in this login already (a step is never submitted twice). */
  hasSubmitted(step: ProfileStepName): boolean {
    return this.submitted.has(step);
  }

  /** True when a page of `step` means the last submit was not accepted: it is that step again, or an earlier one. */
  isBackAt(step: ProfileStepName): boolean {
    return this.lastSubmitted !== undefined && ORDER[step] <= ORDER[this.lastSubmitted];
  }

  /** Called right before the click or Enter: from here on, the step may have reached the site. */
  submitting(step: ProfileStepName): void {
    this.submitted.add(step);
    this.lastSubmitted = step;
    this.step = step;
    if (step !== 'consent') this.unconfirmed = step;
  }

  /** A page of a later step than the last submit arrived (the walk checked {@link isBackAt}). */
  async reachedLaterStep(): Promise<void> {
    if (this.lastSubmitted !== undefined) await this.pass(this.lastSubmitted);
  }

  /** The redirect arrived; `withCode` when it carries an authorization code. */
  async redirected(withCode: boolean): Promise<void> {
    const last = this.lastSubmitted;
    if (last !== undefined && (withCode || last === 'username')) await this.pass(last);
  }

  private async pass(step: ProfileStepName): Promise<void> {
    if (this.passed.includes(step)) return;
    if (this.unconfirmed === step) {
      this.unconfirmed = undefined;
      await quietly(() => this.hooks.confirmed?.(step));
    }
    this.passed.push(step);
    await quietly(() => this.hooks.stepPassed?.(step));
  }
}
