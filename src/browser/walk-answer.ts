/**
 * Waiting for the page to answer what the walk just did (or for the first page). The page is read every
 * 100 ms until the redirect was caught, or a reading is worth judging:
 * - a new document that shows a recognised page, a server error, or the same page again with a refusal;
 * - a new document that stayed unrecognised (or the same page without a refusal) for 1.5 s after loading,
 *   time for script-built pages to render;
 * - the acted-on document itself, answering in place: a page of another kind, or a refusal in an error area
 *   that stayed 3 s (a progress message there goes away when the next page comes).
 * Past the deadline it throws {@link PageTimeoutError}.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PageTimeoutError, type Deadline } from './deadline';
import type { LoginPage } from './page-driver';
import type { DomReading, PageKind, ReadingSpec } from './reading-types';
import type { Snapshot } from './walk-verdict';

const POLL_MS = 100;
/** How long a loaded page that matches no step may take to render one before it counts as unexpected. */
const SETTLE_MS = 1500;
/** How long a refusal shown in place must stay before it counts: a "signing in…" notice would have gone. */
const IN_PLACE_SETTLE_MS = 3000;

/** What the page is answering: a submit or click on a page of `kind`, and the page right before it. */
export interface Acted {
  kind: PageKind;
  before: Snapshot;
}

type Verdict = 'now' | 'settle' | 'settle-in-place' | 'wait';

function serverFailed(status: number): boolean {
  return status >= 500 || status === 429;
}

function newAlerts(reading: DomReading, before: Snapshot): boolean {
  return reading.alerts.some((text) => !before.alerts.includes(text));
}

function newText(reading: DomReading, before: Snapshot): boolean {
  return newAlerts(reading, before) || reading.texts.some((text) => !before.texts.includes(text));
}

function assess(reading: DomReading, acted: Acted | undefined, status: number): Verdict {
  const kind = reading.page?.kind;
  if (acted !== undefined && reading.sameDocument) {
    if (kind !== undefined && kind !== acted.kind) return 'now';
    return newAlerts(reading, acted.before) ? 'settle-in-place' : 'wait';
  }
  if (serverFailed(status)) return 'now';
  const again = acted !== undefined && kind === acted.kind;
  if (kind !== undefined && !again) return 'now';
  if (again && newText(reading, acted.before)) return 'now';
  return reading.complete ? 'settle' : 'wait';
}

/** Resolves with the reading to judge, or `redirected` once the redirect URI was reached. */
export async function awaitAnswer(
  page: LoginPage,
  spec: ReadingSpec,
  deadline: Deadline,
  acted: Acted | undefined,
): Promise<DomReading | 'redirected'> {
  let settling: { verdict: Verdict; since: number } | undefined;
  for (;;) {
    if (page.redirectUrl() !== undefined) return 'redirected';
    const reading = await page.read(spec);
    if (page.redirectUrl() !== undefined) return 'redirected';
    if (reading !== undefined) {
      const verdict = assess(reading, acted, page.lastDocument()?.status ?? 0);
      if (verdict === 'now') return reading;
      if (verdict === 'wait') settling = undefined;
      else {
        if (settling?.verdict !== verdict) settling = { verdict, since: performance.now() };
        const needed = verdict === 'settle' ? SETTLE_MS : IN_PLACE_SETTLE_MS;
        if (performance.now() - settling.since >= needed) return reading;
      }
    }
    if (deadline.passed) throw new PageTimeoutError(`no answer within ${deadline.timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}
