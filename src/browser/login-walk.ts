/**
 * Walks the login pages: open the authorization URL, then on each page fill its step's fields and submit,
 * until the redirect carries the answer. A page of a later step (or the redirect) confirms the last submit;
 * the same step again, or an earlier one, is its refusal; a page nobody can read ends the login. Each step is
 * submitted at most once, so a refused credential is never typed a second time, and credentials are typed
 * only on pages of the allowed origins. "Stay signed in?"-like questions are answered and walked past.
 */
import type { Deadline } from './deadline';
import type { LoginCredentials, LoginHooks } from './login-options';
import type { LoginPage } from './page-driver';
import { withoutCredentials } from './page-failures';
import type { ProfileStepName } from './profiles';
import type { DomReading, FoundField, FoundPage, ReadingSpec } from './reading-types';
import { readRedirectAnswer } from './redirect';
import { StepFailure } from './step-failure';
import { nextUsableStep, totpCodeAt } from './totp';
import { awaitAnswer, type Acted } from './walk-answer';
import type { WalkProgress } from './walk-progress';
import { refusal, unreadable } from './walk-verdict';

/** Questions answered in one login before the next one counts as a loop. */
const MAX_INTERSTITIALS = 3;

export interface WalkInput {
  page: LoginPage;
  spec: ReadingSpec;
  authorizationUrl: string;
  /** As `URL.origin` spells them. */
  allowedOrigins: readonly string[];
  credentials: LoginCredentials;
  hooks: LoginHooks;
  deadline: Deadline;
  totpClock: { lastUsedStep: number | undefined; now: () => number; wait: (ms: number) => Promise<void> };
  progress: WalkProgress;
}

/** Everything that must not appear in an error: the credentials and the codes typed. */
export function knownSecrets({ credentials, progress }: Pick<WalkInput, 'credentials' | 'progress'>): string[] {
  return [credentials.username, credentials.password, credentials.totpSecret, ...progress.codesTyped];
}

/** Walks to the redirect and returns its URL; throws {@link StepFailure} or the driver's errors. */
export async function walkLogin(input: WalkInput): Promise<string> {
  const { page, progress } = input;
  const context = { progress, secrets: knownSecrets(input) };
  progress.step = 'open';
  await page.goto(input.authorizationUrl);
  let acted: Acted | undefined;
  let lastSubmit: Acted | undefined;
  let questions = 0;
  for (;;) {
    const answer = await awaitAnswer(page, input.spec, input.deadline, acted);
    if (answer === 'redirected') {
      const url = page.redirectUrl() as string;
      await progress.redirected(readRedirectAnswer(url).kind === 'code');
      return url;
    }
    context.secrets = knownSecrets(input);
    const status = page.lastDocument()?.status ?? 0;
    const found = answer.page;
    if ((!answer.sameDocument && (status >= 500 || status === 429)) || found === null) {
      throw unreadable(context, answer, status);
    }
    if (found.kind === 'interstitial') {
      questions += 1;
      if (questions > MAX_INTERSTITIALS) throw unreadable(context, answer, status, 'a question that keeps coming back');
      acted = await click(input, answer, found);
      continue;
    }
    if (progress.isBackAt(found.kind) || progress.hasSubmitted(found.kind)) {
      throw refusal(context, answer, lastSubmit?.before);
    }
    await progress.reachedLaterStep();
    acted = lastSubmit = found.kind === 'consent' ? await click(input, answer, found) : await submit(input, found);
  }
}

/** Marks the document, keeps what it showed, and clicks `found`'s control (consent or a question). */
async function click(input: WalkInput, reading: DomReading, found: FoundPage): Promise<Acted> {
  const { page, progress } = input;
  await page.markDocument();
  const before = (await page.read(input.spec)) ?? reading;
  if (found.kind !== 'interstitial') progress.submitting(found.kind);
  if (found.submit !== null) await page.click(found.submit);
  return { kind: found.kind, before };
}

/** Fills a credential step's fields on an allowed origin, asks the caller, and submits it: once. */
async function submit(input: WalkInput, found: FoundPage): Promise<Acted> {
  const { page, progress, hooks } = input;
  const step = found.kind as Exclude<ProfileStepName, 'consent'>;
  progress.step = step;
  const values = await valuesFor(input, found.fields);
  refuseForeignOrigin(input, step);
  for (const [at, field] of found.fields.entries()) {
    refuseForeignOrigin(input, step);
    await page.fill(field.ref, values[at] as string);
  }
  try {
    await hooks.beforeSubmit?.(step);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new StepFailure(
      { step, reason: 'not-submitted', retryable: true, totpStep: progress.totpStep },
      withoutCredentials(message, knownSecrets(input), 200) || 'the caller stopped the submit',
    );
  }
  await page.markDocument();
  const before = (await page.read(input.spec)) ?? { alerts: [], texts: [] };
  progress.submitting(step);
  const last = found.fields[found.fields.length - 1];
  if (found.submit !== null) await page.click(found.submit);
  else if (last !== undefined) await page.pressEnter(last.ref);
  return { kind: step, before };
}

/** Credentials go only to pages of the allowed origins; the URL (no query) is the evidence. */
function refuseForeignOrigin(input: WalkInput, step: Exclude<ProfileStepName, 'consent'>): void {
  const url = new URL(input.page.url());
  if (input.allowedOrigins.includes(url.origin)) return;
  const where = withoutCredentials(`${url.origin}${url.pathname}`, knownSecrets(input));
  throw new StepFailure(
    { step, reason: 'origin-refused', retryable: false, pageError: where, totpStep: input.progress.totpStep },
    `the page is at ${where}`,
  );
}

/** The value of each field; a code is made right before typing (a code made earlier goes stale at 30 s). */
async function valuesFor(input: WalkInput, fields: readonly FoundField[]): Promise<string[]> {
  const code = fields.some((field) => field.value === 'totpCode') ? await freshCode(input) : '';
  return fields.map((field) => {
    if (field.value !== 'totpCode') return input.credentials[field.value];
    return field.digit === undefined ? code : code.charAt(field.digit);
  });
}

async function freshCode(input: WalkInput): Promise<string> {
  const { lastUsedStep, now, wait } = input.totpClock;
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
