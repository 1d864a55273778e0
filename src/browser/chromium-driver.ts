/**
 * The production page driver: Debian's Chromium, headless, through playwright-core, one fresh browser per
 * login. The redirect to the app is cancelled inside Chromium (redirect.ts); pages are read by running
 * {@link readDom} in them. `evaluate` has no timeout of its own, so a watchdog closes the browser once the
 * deadline has passed by a grace; every call after that fails as a {@link PageTimeoutError}.
 */
import type { Browser, Page } from 'playwright-core';
import { chromiumPath as defaultChromiumPath } from '../temporal/tools';
import { PageTimeoutError, type Deadline } from './deadline';
import { DOCUMENT_MARKER, readingScript, refSelector } from './dom-reading';
import type { DocumentResponse, LoginPage, LoginPageFactory, PageSetup } from './page-driver';
import type { DomReading, ReadingSpec } from './reading-types';
import { captureRedirect, type RedirectCapture } from './redirect';

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
/** Evidence must not hold up the failure report for long. */
const SCREENSHOT_TIMEOUT_MS = 5000;
/** A page still waiting for its document cannot be blanked (or shown) until it arrives; it is not waited for. */
const BLANKING_TIMEOUT_MS = 2000;
const BLANK_INPUTS = `(() => { for (const element of document.querySelectorAll('input, textarea')) element.value = ''; })()`;

export interface ChromiumDriverOptions {
  /** Chromium to launch; Playwright never downloads one. @default chromiumPath() ($CHROMIUM_PATH or /usr/bin/chromium) */
  chromiumPath?: string;
}

/** Opens each login's page in a new headless Chromium. */
export function chromiumPageDriver(options: ChromiumDriverOptions = {}): LoginPageFactory {
  const executablePath = options.chromiumPath ?? defaultChromiumPath();
  return {
    name: 'chromium',
    async open(setup) {
      // Loaded on the first login, not at worker start: playwright-core adds about 70 MiB resident.
      const { chromium } = await import('playwright-core');
      const launching = chromium.launch({
        executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS],
        timeout: setup.deadline.remainingMs(),
      });
      const browser = await launching.catch((error: unknown) => {
        throw asTime(error, false, setup.deadline);
      });
      try {
        const page = await (await browser.newContext()).newPage();
        return new ChromiumLoginPage(browser, page, await captureRedirect(page, setup.redirectUri), setup);
      } catch (error) {
        await browser.close().catch(() => undefined);
        throw error;
      }
    },
  };
}

/**
 * A hung page (the watchdog closed it) and Playwright's TimeoutError (known by name: its class lives in the
 * lazily loaded module) are time; anything else stays the browser's error.
 */
function asTime(error: unknown, hung: boolean, deadline: Deadline): unknown {
  if (hung) return new PageTimeoutError(`the page hung past ${deadline.timeoutMs} ms`);
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new PageTimeoutError(`no answer within ${deadline.timeoutMs} ms`);
  }
  return error;
}

class ChromiumLoginPage implements LoginPage {
  private hung = false;
  private last: DocumentResponse | undefined;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly capture: RedirectCapture,
    private readonly setup: PageSetup,
  ) {
    page.on('response', (response) => {
      if (!response.request().isNavigationRequest() || response.frame() !== page.mainFrame()) return;
      this.last = { url: response.url(), status: response.status(), date: response.headers()['date'] };
      setup.onDocument(this.last);
    });
    this.watchdog = setTimeout(() => {
      this.hung = true;
      browser.close().catch(() => undefined);
    }, setup.deadline.remainingMs() + WATCHDOG_GRACE_MS);
  }

  private get timeout() {
    return { timeout: this.setup.deadline.remainingMs() };
  }

  private async guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw asTime(error, this.hung, this.setup.deadline);
    }
  }

  /** An action that may fail only because the redirect it caused was cancelled on purpose. */
  private async unlessRedirected(action: Promise<unknown>): Promise<void> {
    try {
      await action;
    } catch (error) {
      if (this.capture.url === undefined) throw error;
    }
  }

  goto(url: string): Promise<void> {
    return this.guard(() =>
      this.unlessRedirected(this.page.goto(url, { ...this.timeout, waitUntil: 'domcontentloaded' })),
    );
  }

  url(): string {
    return this.page.url();
  }

  redirectUrl(): string | undefined {
    return this.capture.url;
  }

  lastDocument(): DocumentResponse | undefined {
    return this.last;
  }

  read(spec: ReadingSpec): Promise<DomReading | undefined> {
    return this.guard(async () => {
      try {
        return await this.page.evaluate<DomReading>(readingScript(spec));
      } catch (error) {
        // "Execution context was destroyed": the document is being replaced. Anything else is the browser's.
        if (this.page.isClosed() || !/context was destroyed|navigat/i.test(String(error))) throw error;
        return undefined;
      }
    });
  }

  fill(ref: string, value: string): Promise<void> {
    return this.guard(() => this.page.fill(refSelector(ref), value, this.timeout));
  }

  click(ref: string): Promise<void> {
    return this.guard(() => this.unlessRedirected(this.page.click(refSelector(ref), this.timeout)));
  }

  pressEnter(ref: string): Promise<void> {
    return this.guard(() => this.unlessRedirected(this.page.press(refSelector(ref), 'Enter', this.timeout)));
  }

  markDocument(): Promise<void> {
    return this.guard(() => this.page.evaluate(`void (window[${JSON.stringify(DOCUMENT_MARKER)}] = true)`));
  }

  async screenshot(path: string): Promise<boolean> {
    try {
      if (this.page.isClosed() || !(await this.blankedInTime())) return false;
      await this.page.screenshot({ path, fullPage: true, timeout: SCREENSHOT_TIMEOUT_MS });
      return true;
    } catch {
      // A crashed browser: the failure is still reported, without the picture.
      return false;
    }
  }

  /** True when every input of every frame was emptied in time; no screenshot is taken otherwise. */
  private async blankedInTime(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), BLANKING_TIMEOUT_MS);
    });
    const blank = (async () => {
      for (const frame of this.page.frames()) await frame.evaluate(BLANK_INPUTS);
      return true;
    })().catch(() => false);
    try {
      return await Promise.race([blank, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.watchdog);
    await this.browser.close().catch(() => undefined);
  }
}
