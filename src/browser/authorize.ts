/**
 * The browser login of auto-recovery: a fresh page (headless Chromium unless a test driver is given) walks the
 * site's login pages with the container's credentials and returns the authorization code from the redirect.
 * The page is always closed; a failure is a {@link LoginFailedError} with the step, the reason, the page's own
 * error text, the credential step left unconfirmed (if any) and a screenshot with every input blanked, and
 * never a credential. Nothing here logs.
 */
import { PageTimeoutError, Deadline } from './deadline';
import { LoginFailedError, type LoginFailure, type LoginStep } from './errors';
import { saveFailureScreenshot } from './evidence';
import { checkLoginOptions, type CheckedLoginOptions, type LoginOptions } from './login-options';
import { knownSecrets, walkLogin } from './login-walk';
import type { DocumentResponse, LoginPage } from './page-driver';
import { isRetryable, withoutCredentials } from './page-failures';
import { readingSpec } from './reading-spec';
import { readRedirectAnswer } from './redirect';
import { StepFailure } from './step-failure';
import { WalkProgress } from './walk-progress';

export { CHROMIUM_ARGS } from './chromium-driver';

/** A login that ended with an authorization code. */
export interface LoginSuccess {
  /** The authorization code: single use, valid 3 minutes. Exchange it at once. */
  code: string;
  /** The `state` that came back (already checked against the authorization URL's). */
  state: string | undefined;
  /** The TOTP step whose code was used; pass it as `lastUsedTotpStep` next time. Undefined if no code was asked. */
  totpStep: number | undefined;
  /** The steps passed, in order (a site that asks username and password on one page passes `password`). */
  steps: LoginStep[];
  /** Real time from launch to redirect. */
  durationMs: number;
}

/**
 * Logs in and authorizes the app. Throws {@link LoginInputError} for unusable options (before any page is
 * opened) and {@link LoginFailedError} for everything that went wrong on the way.
 */
export async function loginAndAuthorize(options: LoginOptions): Promise<LoginSuccess> {
  const settings = checkLoginOptions(options);
  const startedMs = performance.now();
  const deadline = new Deadline(settings.timeoutMs);
  const progress = new WalkProgress(settings.hooks);
  let page: LoginPage | undefined;
  try {
    page = await settings.driver.open({
      redirectUri: settings.redirectUri,
      deadline,
      onDocument: (response) => reportDate(settings, response),
    });
    const url = await walkLogin({
      page,
      spec: readingSpec(settings.plan),
      authorizationUrl: settings.authorizationUrl,
      allowedOrigins: settings.allowedOrigins,
      credentials: settings.credentials,
      hooks: settings.hooks,
      deadline,
      totpClock: { lastUsedStep: settings.lastUsedTotpStep, now: settings.now, wait: settings.wait },
      progress,
    });
    const { code, state } = answerOf(url, settings, progress);
    return {
      code,
      state,
      totpStep: progress.totpStep,
      steps: [...progress.passed],
      durationMs: Math.round(performance.now() - startedMs),
    };
  } catch (error) {
    const { failure, detail } = describe(error, settings, progress);
    // Whatever ended the login, the progress says truthfully what is spent and what is unconfirmed.
    failure.totpStep = progress.totpStep;
    failure.unconfirmedSubmit = progress.unconfirmed;
    if (page !== undefined && settings.screenshotDir !== undefined) {
      failure.screenshotPath = await saveFailureScreenshot(page, settings.screenshotDir, failure.step, failure.reason);
    }
    throw new LoginFailedError(failure, detail);
  } finally {
    await page?.close();
  }
}

/** Every main document's `Date`, with the local time it came, for the caller's estimate of the site's clock. */
function reportDate(settings: CheckedLoginOptions, response: DocumentResponse): void {
  const serverMs = response.date === undefined ? Number.NaN : Date.parse(response.date);
  if (!Number.isFinite(serverMs)) return;
  try {
    settings.hooks.serverDate?.(serverMs, settings.now());
  } catch {
    // A listener's problem must not end the login.
  }
}

/** The code and state of the redirect, or the failure it reports. */
function answerOf(url: string, settings: CheckedLoginOptions, progress: WalkProgress) {
  const answer = readRedirectAnswer(url);
  if (answer.kind === 'error') {
    const denied = answer.error === 'access_denied';
    const text = [answer.error, answer.description].filter((part) => part !== undefined).join(': ');
    throw new StepFailure({
      step: denied ? 'consent' : 'redirect',
      reason: denied ? 'consent-denied' : 'unexpected-page',
      retryable: false,
      pageError: withoutCredentials(text, knownSecrets({ credentials: settings.credentials, progress })),
    });
  }
  const expectedState = new URL(settings.authorizationUrl).searchParams.get('state') ?? undefined;
  if (answer.state !== expectedState) {
    throw new StepFailure(
      { step: 'redirect', reason: 'unexpected-page', retryable: false },
      'the state in the redirect is not the one the login was started with',
    );
  }
  return answer;
}

function describe(
  error: unknown,
  settings: CheckedLoginOptions,
  progress: WalkProgress,
): { failure: LoginFailure; detail?: string } {
  if (error instanceof StepFailure) return { failure: { ...error.failure }, detail: error.detail };
  if (error instanceof PageTimeoutError) {
    return { failure: { step: progress.step, reason: 'timeout', retryable: true }, detail: error.message };
  }
  // The driver's first line names the failure (net::ERR_..., "Target crashed"); Playwright's call log is left out.
  const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return {
    failure: { step: progress.step, reason: 'browser-failed', retryable: isRetryable('browser-failed') },
    detail: withoutCredentials(firstLine, knownSecrets({ credentials: settings.credentials, progress }), 200),
  };
}
