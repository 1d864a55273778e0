/**
 * What goes into a page reading and what comes out: plain data, as it crosses into Chromium as JSON and back.
 * The reading itself is {@link readDom} in dom-reading.ts; the spec is built by reading-spec.ts.
 */
import type { PageWords } from './page-words';
import type { CredentialSource, ProfileStepName } from './profiles';

/** A page the login can act on: a credential step, consent, or an interstitial question ("Stay signed in?"). */
export type PageKind = ProfileStepName | 'interstitial';

/** One profile, flattened for the page. */
export interface SpecProfile {
  name: string;
  steps: {
    step: ProfileStepName;
    present: string[];
    absent: string[];
    fields: { selector: string; value: CredentialSource }[];
    submit: string;
    errorAreas: string[];
  }[];
}

/** Everything the reading needs; JSON only. */
export interface ReadingSpec {
  /** Profiles to try first, in order; the first with a matching step names the page. */
  profiles: SpecProfile[];
  /** Read the page by meaning when no profile matches. */
  byMeaning: boolean;
  words: PageWords;
  /** Prefix of this login's element refs, unguessable so a page cannot plant one. */
  refPrefix: string;
  /** The attribute that carries refs ({@link REF_ATTRIBUTE}). */
  refAttribute: string;
  /** The window property a driver sets to mark a document ({@link DOCUMENT_MARKER}). */
  marker: string;
}

/** A field to fill: which credential, and for six one-digit inputs which digit of the code (0-based). */
export interface FoundField {
  ref: string;
  value: CredentialSource;
  digit?: number;
}

/** What the page is and how to act on it. */
export interface FoundPage {
  kind: PageKind;
  /** The profile that recognised it, or `meaning`. */
  by: string;
  /** In fill order; empty for consent and interstitials. */
  fields: FoundField[];
  /** The control to click; null: press Enter in the last field (its form has no usable button). */
  submit: string | null;
}

/** One look at the page. */
export interface DomReading {
  /** Still the document that was marked before the last submit (a page that answers in place). */
  sameDocument: boolean;
  /** The document finished loading. */
  complete: boolean;
  /** Title, first heading and first paragraph, to tell an admin what an unrecognised page was. */
  description: string;
  /** Visible text of every element that has text of its own, to tell what appeared after a submit. */
  texts: string[];
  /**
   * Visible text of the places refusals appear: the matched profile step's error areas, `role=alert`,
   * `aria-live` regions, and elements whose id or class says error, validation, invalid or alert.
   */
  alerts: string[];
  /** Null: no step recognised. */
  page: FoundPage | null;
}
