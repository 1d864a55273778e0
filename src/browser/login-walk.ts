/**
 * Walks the login pages of a profile: open the authorization URL, then on each page fill the step's fields and
 * submit, until the redirect carries the answer. After a submit, a later step's page means the step passed;
 * the same page with text in its error area means the site refused it; anything else is an unexpected page.
 * Each step is submitted once: a refused credential is never typed a second time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import type { LoginFailure, LoginStep } from './errors';
import { isRetryable, reasonForRefusedStep, withoutCredentials } from './page-failures';
import { markDocument, readPage, type PageReading } from './page-reading';
import type { CredentialSource, LoginProfile, StepProfile } from './profiles';
import type { RedirectCapture } from './redirect';
import { nextUsableStep, totpCodeAt } from './totp';

/** How often the page is looked at while waiting for the answer to a submit. */
const POLL_MS = 100;
/** How long a loaded page that matches no step may take to render one (script-built pages) before it counts as unexpected. */
const SETTLE_MS = 1500;

/** A failure found while walking; authorize.ts adds the screenshot and turns it into a LoginFailedError. */
export class StepFailure extends Error {
  constructor(
    readonly failure: LoginFailure,
    readonly detail?: string,
  ) {
    super(`${failure.step}: ${failure.reason}`);
  }
}

/** A point in real time after which the login gives up. */
export class Deadline {
  private readonly endMs: number;

  constructor(readonly timeoutMs: number) {
    this.endMs = performance.now() + timeoutMs;
  }

  /** Milliseconds left, at least 1 (Playwright reads 0 as "no timeout"). */
  remainingMs(): number {
    return Math.max(1, Math.round(this.endMs - performance.now()));
  }

  get passed(): boolean {
    return performance.now() >= this.endMs;
  }
}

/** Where the walk is; read after a failure to say which step failed and which TOTP step is spent. */
export interface WalkProgress {
  step: LoginStep;
  /** The TOTP step of the code typed, once one was. */
  totpStep?: number;
  /** HTTP status of the last main document loaded. */
  documentStatus?: number;
  /** Codes typed so far, only to remove them from error texts. */
  codesTyped: string[];
}

export interface WalkInput {
  page: Page;
  profile: LoginProfile;
  authorizationUrl: string;
  credentials: { username: string; password: string; totpSecret: string };
  capture: RedirectCapture;
  deadline: Deadline;
  totpClock: { lastUsedStep: number | undefined; now: () => number; wait: (ms: number) => Promise<void> };
  progress: WalkProgress;
}

/** Walks to the redirect and returns its URL; throws {@link StepFailure} or Playwright's errors. */
export async function walkLogin(input: WalkInput): Promise<string> {
  const { page, profile, capture, deadline, progress } = input;
  page.on('response', (response) => {
    if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) {
      progress.documentStatus = response.status();
    }
  });
  progress.step = 'open';
  await unlessRedirected(
    capture,
    page.goto(input.authorizationUrl, { timeout: deadline.remainingMs(), waitUntil: 'domcontentloaded' }),
  );
  let index = -1;
  for (;;) {
    const reading = await awaitAnswer(input, index);
    if (reading === 'redirected') return capture.url as string;
    if (reading.stepIndex <= index) throw refusal(input, reading, index);
    index = reading.stepIndex;
    const step = profile.steps[index] as StepProfile;
    progress.step = step.step;
    await markDocument(page);
    for (const field of step.fields) {
      await page.fill(field.selector, await valueFor(input, field.value), { timeout: deadline.remainingMs() });
    }
    await unlessRedirected(capture, page.click(step.submit, { timeout: deadline.remainingMs() }));
  }
}

/** An action that may fail only because the redirect it caused was cancelled on purpose. */
async function unlessRedirected(capture: RedirectCapture, action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (error) {
    if (capture.url === undefined) throw error;
  }
}

async function valueFor(input: WalkInput, source: CredentialSource): Promise<string> {
  if (source !== 'totpCode') return input.credentials[source];
  const { lastUsedStep, now, wait } = input.totpClock;
  // Computed right before typing: a code made earlier goes stale at the next 30 s boundary.
  for (;;) {
    const nowMs = now();
    const plan = nextUsableStep({ lastUsedStep, nowMs });
    if (plan.waitMs === 0) {
      const code = totpCodeAt(input.credentials.totpSecret, nowMs);
      input.progress.totpStep = plan.step;
      input.progress.codesTyped.push(code);
      return code;
    }
    if (plan.waitMs >= input.deadline.remainingMs()) {
      throw new StepFailure(
        { step: 'totp', reason: 'timeout', retryable: true },
        `a fresh verification code is ${Math.ceil(plan.waitMs / 1000)} s away, past the timeout`,
      );
    }
    await wait(plan.waitMs);
  }
}

/** Polls until the redirect was caught or the page answered the submit of step `index` (-1: the first page). */
async function awaitAnswer(input: WalkInput, index: number): Promise<PageReading | 'redirected'> {
  const { page, profile, capture, deadline } = input;
  let settlingSince: number | undefined;
  for (;;) {
    if (capture.url !== undefined) return 'redirected';
    const reading = await readPage(page, profile);
    if (reading !== undefined && capture.url === undefined) {
      const refusedInPlace = index >= 0 && reading.errors[index] !== '';
      if (reading.sameDocument) {
        if (reading.stepIndex > index || refusedInPlace) return reading;
      } else if (reading.stepIndex >= 0 || reading.errors.some((text) => text !== '')) {
        return reading;
      } else if (reading.complete) {
        settlingSince ??= performance.now();
        if (performance.now() - settlingSince >= SETTLE_MS) return reading;
      }
    }
    if (deadline.passed) {
      throw new StepFailure(
        { step: input.progress.step, reason: 'timeout', retryable: true, totpStep: input.progress.totpStep },
        `no answer within ${deadline.timeoutMs} ms`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** Everything that must not appear in an error: the credentials and the codes typed. */
export function knownSecrets({ credentials, progress }: Pick<WalkInput, 'credentials' | 'progress'>): string[] {
  return [credentials.username, credentials.password, credentials.totpSecret, ...progress.codesTyped];
}

/** The failure for a page that did not move past step `index`. */
function refusal(input: WalkInput, reading: PageReading, index: number): StepFailure {
  const { progress } = input;
  const clean = (text: string) => withoutCredentials(text, knownSecrets(input)) || undefined;
  const ownError = index >= 0 && reading.stepIndex === index ? reading.errors[index] : '';
  const totpStep = progress.totpStep;
  if (ownError) {
    const step = (input.profile.steps[index] as StepProfile).step;
    const reason = reasonForRefusedStep(step, ownError);
    return new StepFailure({ step, reason, retryable: isRetryable(reason), pageError: clean(ownError), totpStep });
  }
  const shown = reading.stepIndex >= 0 ? reading.errors[reading.stepIndex] : '';
  // A server error page may pass; a page we cannot read will not change by itself.
  const status = progress.documentStatus ?? 0;
  return new StepFailure(
    {
      step: progress.step,
      reason: 'unexpected-page',
      retryable: status >= 500 || status === 429,
      pageError: clean(shown || reading.description),
      totpStep,
    },
    status >= 400 ? `HTTP ${status}` : undefined,
  );
}
