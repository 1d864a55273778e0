/**
 * How a browser login fails. Recovery decides from these fields alone: `retryable` says whether trying again
 * later can help, `step` and `reason` say what an admin must fix. No field ever holds a password, TOTP secret
 * or code, or an authorization code.
 */

/** The part of the login that failed; `open` is loading the authorization URL, `redirect` the final answer. */
export type LoginStep = 'open' | 'username' | 'password' | 'totp' | 'consent' | 'redirect';

/** A step that submits a credential; a submit that no next page confirmed may have counted as a failed attempt. */
export type CredentialStep = 'username' | 'password' | 'totp';

/** Why a login failed, in the words an admin acts on. */
export type LoginFailureReason =
  | 'credentials-rejected'
  | 'totp-rejected'
  | 'account-locked'
  | 'consent-denied'
  | 'unexpected-page'
  | 'timeout'
  | 'browser-failed'
  | 'origin-refused'
  | 'not-submitted';

/** The fields of a {@link LoginFailedError}, as plain data (safe to log or put in a workflow result). */
export interface LoginFailure {
  step: LoginStep;
  reason: LoginFailureReason;
  /**
   * Time can help (timeouts, browser crashes, server errors). Never true for rejected credentials. Whether trying
   * again risks a lockout is {@link LoginFailure.unconfirmedSubmit}'s to say, and the caller's to decide.
   */
  retryable: boolean;
  /** The page's own error text, trimmed, at most 300 characters, with username, password and codes replaced. */
  pageError?: string;
  /** A PNG of the page at the failure, every input blanked first. */
  screenshotPath?: string;
  /**
   * The TOTP step whose code was submitted before the failure: store it as the last used step, as Exact will
   * refuse that code again.
   */
  totpStep?: number;
  /**
   * The last credential step that was submitted and that no recognised next page confirmed before the login
   * ended: the site may have counted it as a failed attempt. Undefined only when nothing unconfirmed was submitted.
   */
  unconfirmedSubmit?: CredentialStep;
}

/** What to do about each reason; the one place these instructions are worded. */
const ADVICE: Record<LoginFailureReason, string> = {
  'credentials-rejected':
    'the site rejected the username or password. Re-enter credentials; they will not be tried again until then.',
  'account-locked':
    'the account is locked after too many failed attempts. Unlock it or reset the password in Exact Online, then ' +
    're-enter credentials; they will not be tried again until then.',
  'totp-rejected':
    'the site rejected the verification code. Check the TOTP secret and the worker clock, then re-enter ' +
    'credentials; they will not be tried again until then.',
  'consent-denied':
    'the app was refused access. Check the app and the user rights in Exact Online, then authorize again.',
  'unexpected-page':
    'the browser is on a page the login cannot read. Check the screenshot: the login pages may have changed, ' +
    'another login profile may fit, or the app settings (client ID, redirect URI) may be wrong.',
  timeout: 'the page did not answer in time. Recovery may try again later.',
  'browser-failed': 'the browser failed. Recovery may try again later; check that Chromium runs on this worker.',
  'origin-refused':
    'the login page is on a host that may not receive credentials, so nothing was typed. Check the authorization ' +
    "URL and the worker's login hosts.",
  'not-submitted': 'the login stopped before submitting a credential step. Recovery may try again later.',
};

function unconfirmedNote(step: CredentialStep | undefined): string {
  return step === undefined ? '' : ` The ${step} step was submitted and no next page confirmed it.`;
}

/** A login that did not end with an authorization code. */
export class LoginFailedError extends Error implements LoginFailure {
  override readonly name = 'LoginFailedError';
  readonly step: LoginStep;
  readonly reason: LoginFailureReason;
  readonly retryable: boolean;
  readonly pageError?: string;
  readonly screenshotPath?: string;
  readonly totpStep?: number;
  readonly unconfirmedSubmit?: CredentialStep;

  /** @param detail Extra words for the message (already free of secrets). */
  constructor(failure: LoginFailure, detail?: string) {
    // An origin refusal's pageError is the page's address (also in the detail), not something the page said.
    const quoted = failure.pageError !== undefined && failure.reason !== 'origin-refused';
    const pageSays = quoted ? ` The page says: "${failure.pageError}"` : '';
    const extra = detail === undefined ? '' : ` (${detail})`;
    const note = unconfirmedNote(failure.unconfirmedSubmit);
    super(`Login failed at the ${failure.step} step${extra}: ${ADVICE[failure.reason]}${note}${pageSays}`);
    this.step = failure.step;
    this.reason = failure.reason;
    this.retryable = failure.retryable;
    if (failure.pageError !== undefined) this.pageError = failure.pageError;
    if (failure.screenshotPath !== undefined) this.screenshotPath = failure.screenshotPath;
    if (failure.totpStep !== undefined) this.totpStep = failure.totpStep;
    if (failure.unconfirmedSubmit !== undefined) this.unconfirmedSubmit = failure.unconfirmedSubmit;
  }

  /** The fields as plain data. */
  toFailure(): LoginFailure {
    const { step, reason, retryable, pageError, screenshotPath, totpStep, unconfirmedSubmit } = this;
    return { step, reason, retryable, pageError, screenshotPath, totpStep, unconfirmedSubmit };
  }
}

/** Which option of a login was unusable. */
export type LoginInputField =
  | 'authorizationUrl'
  | 'redirectUri'
  | 'username'
  | 'password'
  | 'totpSecret'
  | 'profile'
  | 'timeoutMs'
  | 'lastUsedTotpStep'
  | 'chromiumPath'
  | 'screenshotDir'
  | 'allowedOrigins';

/**
 * A login option that cannot work, found before any page is opened. The message says what to fix and never
 * repeats a credential. Not retryable: the same input fails the same way.
 */
export class LoginInputError extends Error {
  override readonly name = 'LoginInputError';

  constructor(
    readonly field: LoginInputField,
    message: string,
  ) {
    super(message);
  }
}
