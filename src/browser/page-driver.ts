/**
 * The seam between the login walk and whatever shows the pages. Production drives headless Chromium
 * (chromium-driver.ts); tests may drive the same walk over plain HTTP with a DOM library. Every driver reads
 * pages with the same {@link readDom}, so what the walk sees does not depend on the driver.
 */
import type { Deadline } from './deadline';
import type { DomReading, ReadingSpec } from './reading-types';

/** One main-document response, as it arrived. */
export interface DocumentResponse {
  url: string;
  status: number;
  /** The `Date` header, as sent; undefined when there was none. */
  date: string | undefined;
}

/** What a page is opened with. */
export interface PageSetup {
  /**
   * The app's redirect URI. A navigation to it (same origin and path, any query) is stopped before it is
   * requested and only its URL is kept: the code is single-use, and whatever serves that URI could spend it.
   */
  redirectUri: string;
  /** The login's deadline: no operation may outlast it; a driver that runs out throws {@link PageTimeoutError}. */
  deadline: Deadline;
  /** Called for every main-document response the driver sees (redirect hops included where it sees them). */
  onDocument(response: DocumentResponse): void;
}

/**
 * One login's page. Elements are named by the refs a reading returned; an operation on a ref the current
 * document does not carry fails (it never falls back to another element). Errors that are not timeouts are
 * the driver's own (network, crashed browser); their first line may be shown, so they name no value typed.
 */
export interface LoginPage {
  /** Loads `url` as the main document; resolves early (with {@link redirectUrl} set) at the redirect URI. */
  goto(url: string): Promise<void>;
  /** The main document's URL now. */
  url(): string;
  /** The redirect URI with its query, once a navigation reached it; undefined before. */
  redirectUrl(): string | undefined;
  /** The last main-document response; undefined before the first. */
  lastDocument(): DocumentResponse | undefined;
  /** Reads the page with {@link readDom}; undefined while a new document replaces the old one. */
  read(spec: ReadingSpec): Promise<DomReading | undefined>;
  /** Replaces the value of the input named `ref`. */
  fill(ref: string, value: string): Promise<void>;
  /** Clicks the control named `ref`; resolves when the click is done, not necessarily when the answer came. */
  click(ref: string): Promise<void>;
  /** Presses Enter in the input named `ref` (its form's implicit submission). */
  pressEnter(ref: string): Promise<void>;
  /** Marks the current document, so a later reading can tell it from the next one. */
  markDocument(): Promise<void>;
  /** Saves a PNG of the page with every input blanked first; false when that could not be done safely. */
  screenshot(path: string): Promise<boolean>;
  /** Ends the page and everything behind it; never throws. */
  close(): Promise<void>;
}

/** Opens a fresh page for each login (no cookies or state from any other login). */
export interface LoginPageFactory {
  /** For messages: `chromium`, `http`, … */
  readonly name: string;
  open(setup: PageSetup): Promise<LoginPage>;
}
