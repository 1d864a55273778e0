/**
 * The browser login of auto-recovery: Debian's Chromium, headless, in a fresh context, walks the site's login
 * pages with the container's credentials and returns the authorization code from the redirect. The browser is
 * always closed; a failure is a {@link LoginFailedError} with the step, the reason, the page's own error text
 * and a screenshot with every input blanked, and never a credential. Nothing here logs.
 */
import type { Browser, Page } from 'playwright-core';
import { LoginFailedError, type LoginFailure } from './errors';
import { saveFailureScreenshot } from './evidence';
import { checkLoginOptions, type CheckedLoginOptions, type LoginOptions } from './login-options';
import { Deadline, knownSecrets, StepFailure, walkLogin, type WalkProgress } from './login-walk';
import { isRetryable, withoutCredentials } from './page-failures';
import { captureRedirect, readRedirectAnswer } from './redirect';

/** The flags every Chromium of chainkeeper runs with: no sandbox (root in containers), no calls home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Time past the deadline the walk gets to notice it by itself before the browser is closed under it. */
const WATCHDOG_GRACE_MS = 2000;

/** A login that ended with an authorization code. */
export interface LoginSuccess {
  /** The authorization code: single use, valid 3 minutes. Exchange it at once. */
  code: string;
  /** The `state` that came back (already checked against the authorization URL's). */
  state: string | undefined;
  /** The TOTP step whose code was used; pass it as `lastUsedTotpStep` next time. Undefined if no code was asked. */
  totpStep: number | undefined;
  /** Real time from launch to redirect. */
  durationMs: number;
}

/**
 * Logs in and authorizes the app. Throws {@link LoginInputError} for unusable options (before launching) and
 * {@link LoginFailedError} for everything that went wrong in the browser.
 */
export async function loginAndAuthorize(options: LoginOptions): Promise<LoginSuccess> {
  const settings = checkLoginOptions(options);
  const startedMs = performance.now();
  const deadline = new Deadline(settings.timeoutMs);
  const progress: WalkProgress = { step: 'open', codesTyped: [] };
  let browser: Browser | undefined;
  let page: Page | undefined;
  // Every Playwright call has its own timeout, but `evaluate` has none: a hung page is ended by closing it all.
  let hung = false;
  const watchdog = setTimeout(() => {
    hung = true;
    browser?.close().catch(() => undefined);
  }, settings.timeoutMs + WATCHDOG_GRACE_MS);
  try {
    // Loaded on the first login, not at worker start: playwright-core adds about 70 MiB resident.
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: settings.chromiumPath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: deadline.remainingMs(),
    });
    page = await (await browser.newContext()).newPage();
    const capture = await captureRedirect(page, settings.redirectUri);
    const url = await walkLogin({
      page,
      profile: settings.profile,
      authorizationUrl: settings.authorizationUrl,
      credentials: settings.credentials,
      capture,
      deadline,
      totpClock: { lastUsedStep: settings.lastUsedTotpStep, now: settings.now, wait: settings.wait },
      progress,
    });
    const { code, state } = answerOf(url, settings, progress);
    return { code, state, totpStep: progress.totpStep, durationMs: Math.round(performance.now() - startedMs) };
  } catch (error) {
    const { failure, detail } = hung
      ? { failure: timeoutFailure(progress), detail: `the page hung past ${settings.timeoutMs} ms` }
      : describe(error, settings, progress);
    if (page !== undefined && settings.screenshotDir !== undefined) {
      failure.screenshotPath = await saveFailureScreenshot(page, settings.screenshotDir, failure.step, failure.reason);
    }
    throw new LoginFailedError(failure, detail);
  } finally {
    clearTimeout(watchdog);
    await browser?.close().catch(() => undefined);
  }
}

/** The code and state of the redirect, or the failure it reports. */
function answerOf(url: string, settings: CheckedLoginOptions, progress: WalkProgress) {
  const answer = readRedirectAnswer(url);
  const totpStep = progress.totpStep;
  if (answer.kind === 'error') {
    const denied = answer.error === 'access_denied';
    const text = [answer.error, answer.description].filter((part) => part !== undefined).join(': ');
    throw new StepFailure({
      step: denied ? 'consent' : 'redirect',
      reason: denied ? 'consent-denied' : 'unexpected-page',
      retryable: false,
      pageError: withoutCredentials(text, knownSecrets({ credentials: settings.credentials, progress })),
      totpStep,
    });
  }
  const expectedState = new URL(settings.authorizationUrl).searchParams.get('state') ?? undefined;
  if (answer.state !== expectedState) {
    throw new StepFailure(
      { step: 'redirect', reason: 'unexpected-page', retryable: false, totpStep },
      'the state in the redirect is not the one the login was started with',
    );
  }
  return answer;
}

function timeoutFailure(progress: WalkProgress): LoginFailure {
  return { step: progress.step, reason: 'timeout', retryable: true, totpStep: progress.totpStep };
}

function describe(
  error: unknown,
  settings: CheckedLoginOptions,
  progress: WalkProgress,
): { failure: LoginFailure; detail?: string } {
  if (error instanceof StepFailure) return { failure: { ...error.failure }, detail: error.detail };
  const totpStep = progress.totpStep;
  // Playwright's TimeoutError, known by name: its class lives in the lazily loaded module.
  if (error instanceof Error && error.name === 'TimeoutError') {
    return { failure: timeoutFailure(progress), detail: `no answer within ${settings.timeoutMs} ms` };
  }
  // Playwright's first line names the failure (net::ERR_..., "Target crashed"); the call log is left out.
  const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return {
    failure: { step: progress.step, reason: 'browser-failed', retryable: isRetryable('browser-failed'), totpStep },
    detail: withoutCredentials(firstLine, knownSecrets({ credentials: settings.credentials, progress }), 200),
  };
}
