/**
 * What the automation reads from the page: which profile step's page is showing, the visible error text of
 * each step's error areas, and whether the document is still the one a submit was clicked on. Also the one
 * write that protects evidence: blanking every input before a screenshot.
 *
 * The functions passed to `evaluate` run in the page, so they are self-contained (no outer names, no inner
 * named functions a transpiler could wrap in helpers) and see the DOM through the minimal types below.
 */
import type { Page } from 'playwright-core';
import type { LoginProfile } from './profiles';

/** A property set on the document before a submit; a new document does not have it. */
const SUBMIT_MARKER = '__chainkeeperSubmitted';

interface DomElement {
  readonly textContent: string | null;
  readonly innerText?: string;
  value?: string;
  checkVisibility?: () => boolean;
}

interface DomDocument {
  readonly readyState: string;
  readonly title: string;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

type PageGlobals = { document: DomDocument } & Record<string, unknown>;

/** One look at the page. */
export interface PageReading {
  /** Still the document the last submit was clicked on (a form that answers in place). */
  sameDocument: boolean;
  /** The document finished loading. */
  complete: boolean;
  /** Index in the profile of the furthest step whose page this is; -1 when none matches. */
  stepIndex: number;
  /** Visible error text per profile step, '' where none shows. */
  errors: string[];
  /** Title, first heading and first paragraph, to tell an admin what an unrecognised page was. */
  description: string;
}

/** Reads the page; undefined while a navigation replaces the document (try again shortly). */
export async function readPage(page: Page, profile: LoginProfile): Promise<PageReading | undefined> {
  const steps = profile.steps.map((step) => ({
    present: [...step.recognise.present],
    absent: [...(step.recognise.absent ?? [])],
    errorAreas: [...step.errorAreas],
  }));
  try {
    return await page.evaluate(
      ({ steps, marker }) => {
        const scope = globalThis as unknown as PageGlobals;
        const doc = scope.document;
        const matches = steps.map(
          (step) =>
            step.present.every((selector) => doc.querySelector(selector) !== null) &&
            step.absent.every((selector) => doc.querySelector(selector) === null),
        );
        return {
          sameDocument: scope[marker] === true,
          complete: doc.readyState === 'complete',
          stepIndex: matches.lastIndexOf(true),
          errors: steps.map((step) =>
            step.errorAreas
              .flatMap((selector) => [...doc.querySelectorAll(selector)])
              .filter((element) => (element.checkVisibility ? element.checkVisibility() : true))
              .map((element) => (element.innerText ?? element.textContent ?? '').trim())
              .filter((text) => text !== '')
              .join(' '),
          ),
          description: [doc.title, doc.querySelector('h1')?.textContent, doc.querySelector('p')?.textContent]
            .map((text) => (text ?? '').trim())
            .filter((text, at, all) => text !== '' && all.indexOf(text) === at)
            .join(' - '),
        };
      },
      { steps, marker: SUBMIT_MARKER },
    );
  } catch (error) {
    // "Execution context was destroyed": the document is being replaced. Anything else is the browser's problem.
    if (page.isClosed() || !/context was destroyed|navigat/i.test(String(error))) throw error;
    return undefined;
  }
}

/** Marks the current document, so {@link readPage} can tell it from the next one. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate((marker) => {
    (globalThis as unknown as PageGlobals)[marker] = true;
  }, SUBMIT_MARKER);
}

/**
 * Empties every input and textarea in every frame, so a screenshot shows no typed credential. Resolves false
 * when any frame could not be blanked: the caller must then not take the screenshot.
 */
export async function blankInputs(page: Page): Promise<boolean> {
  try {
    for (const frame of page.frames()) {
      await frame.evaluate(() => {
        const doc = (globalThis as unknown as PageGlobals).document;
        for (const element of doc.querySelectorAll('input, textarea')) element.value = '';
      });
    }
    return true;
  } catch {
    return false;
  }
}
