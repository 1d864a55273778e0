/**
 * What a page that did not move the login on means: a refusal of the last submitted step (its page, or an
 * earlier step's, came back), an error page, or a page nobody can read. Refusal text is looked for wherever it
 * sits: first error areas that appeared after the submit, then (only when the same step came back) any text
 * that appeared, then error areas that were there all along. Without any, the same step coming back is still
 * a refusal: the step must never be submitted twice.
 */
import { isRetryable, looksLocked, reasonForRefusedStep, withoutCredentials } from './page-failures';
import type { DomReading } from './reading-types';
import { StepFailure } from './step-failure';
import type { WalkProgress } from './walk-progress';

/** The page as it was right before a submit. */
export type Snapshot = Pick<DomReading, 'alerts' | 'texts'>;

interface Context {
  progress: WalkProgress;
  /** Everything that must not appear in an error. */
  secrets: readonly string[];
}

function clean(context: Context, text: string): string | undefined {
  return withoutCredentials(text, context.secrets) || undefined;
}

function appeared(now: readonly string[], before: readonly string[]): string[] {
  const fresh = now.filter((text) => !before.includes(text));
  // An element's text includes its children's: keep the outermost of what appeared.
  return fresh.filter((text) => !fresh.some((other) => other !== text && other.includes(text)));
}

/** The page shows the last submitted step again, or an earlier one: that submit was refused. */
export function refusal(context: Context, reading: DomReading, before: Snapshot | undefined): StepFailure {
  const { progress } = context;
  const step = progress.lastSubmitted ?? 'username';
  const sameStep = reading.page?.kind === step;
  const newAlerts = appeared(reading.alerts, before?.alerts ?? []);
  const newTexts = sameStep ? appeared(reading.texts, before?.texts ?? []) : [];
  const shown = [newAlerts, newTexts, reading.alerts].find((list) => list.length > 0) ?? [];
  const text = shown.join(' ');
  const reason = text === '' ? 'unexpected-page' : reasonForRefusedStep(step, text);
  return new StepFailure(
    {
      step,
      reason,
      retryable: isRetryable(reason),
      pageError: clean(context, text || reading.description),
      totpStep: progress.totpStep,
    },
    text === '' ? `the ${step} step came back without a readable refusal` : undefined,
  );
}

/**
 * A page that cannot be acted on: a server error (5xx, 429), a page nobody recognises, or one that keeps
 * asking the same question. Retryable only when the server failed (whether a retry is safe after a submit is
 * `unconfirmedSubmit`'s to say). A page that reads "locked" after a username or password submit says so.
 */
export function unreadable(context: Context, reading: DomReading, status: number, detail?: string): StepFailure {
  const { progress } = context;
  const alerts = reading.alerts.join(' ');
  const afterCredentials = progress.lastSubmitted === 'username' || progress.lastSubmitted === 'password';
  const serverFailed = status >= 500 || status === 429;
  if (afterCredentials && !serverFailed && alerts !== '' && looksLocked(alerts)) {
    return new StepFailure({
      step: progress.lastSubmitted ?? 'password',
      reason: 'account-locked',
      retryable: false,
      pageError: clean(context, alerts),
      totpStep: progress.totpStep,
    });
  }
  const evidence = [reading.description, ...reading.alerts.filter((text) => !reading.description.includes(text))];
  const words = [detail, status >= 400 ? `HTTP ${status}` : undefined].filter((part) => part !== undefined);
  return new StepFailure(
    {
      step: progress.step,
      reason: 'unexpected-page',
      retryable: serverFailed,
      pageError: clean(context, evidence.filter((text) => text !== '').join(' - ')),
      totpStep: progress.totpStep,
    },
    words.length > 0 ? words.join(', ') : undefined,
  );
}
