/**
 * A no-script browser for the login-page tests: GET and form POST over real HTTP with redirects followed by
 * hand (so a test sees each hop and its origin), a cookie jar, and a few readers of the served HTML.
 */
import { totpCode } from '../../src/simulator';
import type { Harness } from './harness';

export interface Page {
  url: string;
  status: number;
  location: string | null;
  headers: Headers;
  body: string;
}

export class LoginClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly h: Harness) {}

  /** The authorization request of the harness app. */
  authorizeUrl(params: Record<string, string> = {}): string {
    const query = new URLSearchParams({
      client_id: this.h.app.clientId,
      redirect_uri: this.h.app.redirectUri,
      response_type: 'code',
      state: 'st-1',
      ...params,
    });
    return `${this.h.baseUrl}/api/oauth2/auth?${query.toString()}`;
  }

  async get(url: string): Promise<Page> {
    return this.send('GET', url);
  }

  async post(url: string, fields: Record<string, string>): Promise<Page> {
    return this.send('POST', url, new URLSearchParams(fields).toString());
  }

  /** Posts the page's (only) form to its action. */
  async submit(page: Page, fields: Record<string, string>): Promise<Page> {
    return this.post(formAction(page), fields);
  }

  /** Follows redirects from `page` until one answers with content; returns that page. */
  async follow(page: Page): Promise<Page> {
    let current = page;
    for (let hops = 0; current.location !== null && hops < 5; hops++) {
      current = await this.get(new URL(current.location, current.url).toString());
    }
    return current;
  }

  /** The code the harness user's authenticator shows at Exact's time. */
  totp(): string {
    return totpCode(this.h.user.totpSecret, this.h.sim.state.nowMs());
  }

  /** The fields a page asks for, found by what they are, filled with the harness user's credentials. */
  fieldsByMeaning(page: Page, password = this.h.user.password): Record<string, string> | undefined {
    const inputs = inputsOf(page.body).filter((input) => input.type !== 'hidden' && input.type !== 'checkbox');
    const fields: Record<string, string> = {};
    for (const input of inputs) {
      const name = input.name ?? '';
      if (input.autocomplete === 'username') fields[name] = this.h.user.username;
      if (input.type === 'password') fields[name] = password;
    }
    const digits = inputs.filter((input) => input.maxlength === '1' && input.inputmode === 'numeric');
    const code = this.totp();
    if (digits.length === 6) digits.forEach((input, i) => (fields[input.name ?? ''] = code[i] ?? ''));
    const single = inputs.find((input) => input.autocomplete === 'one-time-code' && input.maxlength === '6');
    if (single) fields[single.name ?? ''] = code;
    if (Object.keys(fields).length > 0) return fields;
    if (page.body.includes('value="allow"')) return { decision: 'allow' };
    return undefined;
  }

  /** Logs in on the current site by meaning; returns every page seen and the final redirect to the app. */
  async walk(): Promise<{ pages: Page[]; landed: URL }> {
    const pages: Page[] = [];
    let page = await this.follow(await this.get(this.authorizeUrl()));
    for (let steps = 0; steps < 8; steps++) {
      pages.push(page);
      const fields = this.fieldsByMeaning(page);
      // A page without fields (stay signed in?) is answered with its first button.
      const button = /<button[^>]*name="([^"]+)" value="([^"]+)"/.exec(page.body);
      const answer = await this.submit(page, fields ?? (button ? { [button[1] ?? '']: button[2] ?? '' } : {}));
      if (answer.status === 302 && answer.location?.startsWith(this.h.app.redirectUri)) {
        return { pages, landed: new URL(answer.location) };
      }
      // The legacy username step answers with the same page, now asking the password.
      if (answer.status !== 200 && answer.status !== 303) {
        throw new Error(`${page.url} answered ${answer.status}:\n${answer.body}`);
      }
      page = await this.follow(answer);
    }
    throw new Error('the login did not reach the app within 8 pages');
  }

  private async send(method: 'GET' | 'POST', url: string, body?: string): Promise<Page> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { method, body, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return {
      url,
      status: res.status,
      location: res.headers.get('location'),
      headers: res.headers,
      body: await res.text(),
    };
  }
}

/** The page's form action, resolved against the page's URL. */
export function formAction(page: Page): string {
  const match = /<form[^>]*\saction="([^"]*)"/.exec(page.body);
  if (!match?.[1]) throw new Error(`no form in page ${page.url}:\n${page.body}`);
  return new URL(match[1].replaceAll('&amp;', '&'), page.url).toString();
}

/** Every `id` in the page. */
export function idsOf(html: string): string[] {
  return [...html.matchAll(/\sid="([^"]*)"/g)].map((match) => match[1] ?? '');
}

/** Every input tag, with its attributes as a record. */
export function inputsOf(html: string): Record<string, string>[] {
  return [...html.matchAll(/<input\s([^>]*)>/g)].map((match) => {
    const attributes: Record<string, string> = {};
    for (const attr of (match[1] ?? '').matchAll(/([\w:$-]+)(?:="([^"]*)")?/g)) {
      attributes[attr[1] ?? ''] = attr[2] ?? '';
    }
    return attributes;
  });
}

/** The `name` of the input whose attribute `attr` is `value` (by meaning: autocomplete, type, …). */
export function nameOf(html: string, attr: string, value: string): string {
  const input = inputsOf(html).find((each) => each[attr] === value);
  if (input?.name === undefined) throw new Error(`no input with ${attr}="${value}" in:\n${html}`);
  return input.name;
}

/** The origin of a URL. */
export function originOf(url: string): string {
  return new URL(url).origin;
}
