/**
 * A fast page driver for tests: no browser. Pages come over HTTP with undici (redirects followed by hand, a
 * cookie jar per origin, the redirect URI never requested) and are parsed with jsdom, whose document is read
 * with the very {@link readDom} Chromium runs. Filling sets an input's value; clicking a submit control submits
 * its form the way a browser would (action and method, the submitter's own ones first, its name and value,
 * urlencoded). Scripts never run, so only pages that work without JavaScript can be walked; a control that
 * submits no form fails the click. Every request ends by the login's deadline, as a {@link PageTimeoutError}.
 */
import { createRequire } from 'node:module';
import { request, type Dispatcher } from 'undici';
import {
  DOCUMENT_MARKER,
  isRedirectTarget,
  PageTimeoutError,
  readDom,
  refSelector,
  type DocumentResponse,
  type DomDocument,
  type DomReading,
  type LoginPage,
  type LoginPageFactory,
  type PageSetup,
  type ReadingSpec,
} from '../../src/browser';

/** The part of jsdom this driver uses (jsdom ships no types, and this keeps the surface small). */
interface JsdomElement {
  readonly tagName: string;
  readonly form?: JsdomElement | null;
  value?: string;
  getAttribute(name: string): string | null;
  closest(selector: string): JsdomElement | null;
  querySelector(selector: string): JsdomElement | null;
}
interface JsdomWindow {
  readonly document: { readonly readyState: string; querySelector(selector: string): JsdomElement | null };
  FormData: new (form: JsdomElement, submitter?: JsdomElement | null) => Iterable<[string, unknown]>;
  addEventListener(type: 'load', listener: () => void): void;
  close(): void;
}
type JsdomConstructor = new (html: string, options: { url: string; contentType: string }) => { window: JsdomWindow };
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: JsdomConstructor };

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface HttpPageDriverOptions {
  /** The undici dispatcher requests go through. @default undici's global */
  dispatcher?: Dispatcher;
}

/** The driver; pass it as `driver` to loginAndAuthorize (or as a recovery's page driver). */
export function httpPageDriver(options: HttpPageDriverOptions = {}): LoginPageFactory {
  return { name: 'http', open: (setup) => Promise.resolve(new HttpLoginPage(setup, options.dispatcher)) };
}

interface Navigation {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
}

class HttpLoginPage implements LoginPage {
  private window: JsdomWindow | undefined;
  private currentUrl = 'about:blank';
  private redirect: string | undefined;
  private last: DocumentResponse | undefined;
  /** Cookies by origin: a simplification of the browser's domain and path rules that login flows do not need. */
  private readonly cookies = new Map<string, Map<string, string>>();
  private readonly closing = new AbortController();
  /** The deadline of the request in flight (undici reads its body under the same signal). */
  private deadlineSignal: AbortSignal | undefined;

  constructor(
    private readonly setup: PageSetup,
    private readonly dispatcher: Dispatcher | undefined,
  ) {}

  goto(url: string): Promise<void> {
    return this.navigate({ url, method: 'GET' });
  }

  url(): string {
    return this.currentUrl;
  }

  redirectUrl(): string | undefined {
    return this.redirect;
  }

  lastDocument(): DocumentResponse | undefined {
    return this.last;
  }

  read(spec: ReadingSpec): Promise<DomReading | undefined> {
    if (this.window === undefined) return Promise.resolve(undefined);
    return Promise.resolve(readDom(this.window.document as unknown as DomDocument, spec));
  }

  fill(ref: string, value: string): Promise<void> {
    const field = this.element(ref);
    if (field.tagName !== 'INPUT' && field.tagName !== 'TEXTAREA') throw new Error(`${ref} is not an input`);
    field.value = value;
    return Promise.resolve();
  }

  async click(ref: string): Promise<void> {
    const control = this.element(ref);
    const form = control.form ?? null;
    const type = (control.getAttribute('type') ?? '').toLowerCase();
    const submits =
      control.tagName === 'BUTTON' ? type === '' || type === 'submit' : type === 'submit' || type === 'image';
    if (form !== null && submits) return this.submit(form, control);
    const href = control.tagName === 'A' ? control.getAttribute('href') : null;
    if (href !== null) return this.navigate({ url: new URL(href, this.currentUrl).href, method: 'GET' });
    throw new Error('the http page driver cannot click a control that submits no form (it runs no script)');
  }

  async pressEnter(ref: string): Promise<void> {
    const form = this.element(ref).form ?? null;
    if (form === null) throw new Error('Enter in a field outside a form submits nothing without script');
    // Implicit submission: the form's default button (its first submit button) is the submitter.
    const submitter = form.querySelector(
      'button:not([type]), button[type=submit], input[type=submit], input[type=image]',
    );
    return this.submit(form, submitter);
  }

  markDocument(): Promise<void> {
    if (this.window !== undefined) (this.window as unknown as Record<string, unknown>)[DOCUMENT_MARKER] = true;
    return Promise.resolve();
  }

  /** No picture without a browser. */
  screenshot(): Promise<boolean> {
    return Promise.resolve(false);
  }

  close(): Promise<void> {
    this.closing.abort();
    this.window?.close();
    return Promise.resolve();
  }

  private element(ref: string): JsdomElement {
    const found = this.window?.document.querySelector(refSelector(ref));
    if (found === null || found === undefined) throw new Error(`no element ${ref} on the page`);
    return found;
  }

  private async submit(form: JsdomElement, submitter: JsdomElement | null): Promise<void> {
    const window = this.window as JsdomWindow;
    const action = submitter?.getAttribute('formaction') ?? form.getAttribute('action') ?? '';
    const method = (submitter?.getAttribute('formmethod') ?? form.getAttribute('method') ?? 'get').toLowerCase();
    const fields = new URLSearchParams();
    for (const [name, value] of new window.FormData(form, submitter)) {
      if (typeof value === 'string') fields.append(name, value);
    }
    const target = new URL(action === '' ? this.currentUrl : action, this.currentUrl);
    if (method === 'post') return this.navigate({ url: target.href, method: 'POST', body: fields.toString() });
    target.search = fields.toString();
    return this.navigate({ url: target.href, method: 'GET' });
  }

  private async navigate(first: Navigation): Promise<void> {
    let next: Navigation = first;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (isRedirectTarget(next.url, this.setup.redirectUri)) {
        // The code is single-use: the redirect URI is never requested, only its URL kept.
        this.redirect = next.url;
        return;
      }
      const response = await this.fetch(next);
      const date = response.headers['date'];
      this.last = { url: next.url, status: response.statusCode, date: typeof date === 'string' ? date : undefined };
      this.setup.onDocument(this.last);
      const location = response.headers['location'];
      if (REDIRECT_STATUSES.has(response.statusCode) && typeof location === 'string') {
        await response.body.dump();
        const keepsBody = response.statusCode === 307 || response.statusCode === 308;
        next = keepsBody
          ? { ...next, url: new URL(location, next.url).href }
          : { url: new URL(location, next.url).href, method: 'GET' };
        continue;
      }
      const html = await this.timed(response.body.text());
      await this.load(next.url, html);
      return;
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects`);
  }

  private async fetch(navigation: Navigation): Promise<Dispatcher.ResponseData> {
    const target = new URL(navigation.url);
    const headers: Record<string, string> = { accept: 'text/html', 'user-agent': 'chainkeeper-test-driver' };
    const jar = this.cookies.get(target.origin);
    if (jar !== undefined && jar.size > 0) {
      headers['cookie'] = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (navigation.method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      if (URL.canParse(this.currentUrl)) headers['origin'] = new URL(this.currentUrl).origin;
      headers['referer'] = this.currentUrl;
    }
    const response = await this.timed(
      request(navigation.url, {
        method: navigation.method,
        headers,
        body: navigation.body,
        signal: this.signal(),
        dispatcher: this.dispatcher,
      }),
    );
    this.keepCookies(target.origin, response.headers['set-cookie']);
    return response;
  }

  /** Aborts at the login's deadline (or when the page closes). */
  private signal(): AbortSignal {
    this.deadlineSignal = AbortSignal.timeout(this.setup.deadline.remainingMs());
    return AbortSignal.any([this.closing.signal, this.deadlineSignal]);
  }

  private async timed<T>(action: Promise<T>): Promise<T> {
    try {
      return await action;
    } catch (error) {
      if (this.deadlineSignal?.aborted === true || this.setup.deadline.passed) {
        throw new PageTimeoutError(`no answer within ${this.setup.deadline.timeoutMs} ms`);
      }
      throw error;
    }
  }

  private keepCookies(origin: string, header: string | string[] | undefined): void {
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    this.cookies.set(origin, jar);
    for (const line of typeof header === 'string' ? [header] : (header ?? [])) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', value = ''] = attribute.split('=').map((part) => part.trim().toLowerCase());
        return (key === 'max-age' && Number(value) <= 0) || (key === 'expires' && Date.parse(value) <= Date.now());
      });
      if (expired) jar.delete(name);
      else jar.set(name, pair.slice(at + 1).trim());
    }
  }

  private async load(url: string, html: string): Promise<void> {
    this.window?.close();
    const window = new JSDOM(html, { url, contentType: 'text/html' }).window;
    this.window = window;
    this.currentUrl = url;
    // jsdom finishes loading on a later tick; the reading should see a complete document, as a browser's would.
    if (window.document.readyState !== 'complete') {
      await new Promise<void>((resolve) => window.addEventListener('load', () => resolve()));
    }
  }
}
