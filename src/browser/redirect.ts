/**
 * The end of a login: the site sends the browser to the redirect URI with `code` and `state` (or `error`).
 * That request is caught and cancelled inside Chromium (DevTools `Fetch` domain), so the code never reaches
 * whatever serves the redirect URI: a code is single-use, and a real endpoint there could spend it first.
 * Playwright's `page.route` cannot do this: it does not stop the target of a redirect response.
 */
import type { Page } from 'playwright-core';

/** What the redirect carried. */
export type RedirectAnswer =
  | { kind: 'code'; code: string; state: string | undefined }
  | { kind: 'error'; error: string; description: string | undefined; state: string | undefined };

/**
 * True when `url` is the redirect URI's origin and path, whatever its query: a navigation every page driver
 * stops before it is requested.
 */
export function isRedirectTarget(url: string, redirectUri: string): boolean {
  if (!URL.canParse(url) || !URL.canParse(redirectUri)) return false;
  const seen = new URL(url);
  const expected = new URL(redirectUri);
  return seen.origin === expected.origin && seen.pathname === expected.pathname;
}

/** True when `url` is the redirect URI (same origin and path) with an OAuth answer in its query. */
export function isRedirectAnswer(url: string, redirectUri: string): boolean {
  if (!isRedirectTarget(url, redirectUri)) return false;
  const params = new URL(url).searchParams;
  return params.has('code') || params.has('error');
}

/** The answer in a redirect URL that {@link isRedirectAnswer} accepted. */
export function readRedirectAnswer(url: string): RedirectAnswer {
  const params = new URL(url).searchParams;
  const state = params.get('state') ?? undefined;
  const code = params.get('code');
  if (code !== null && code !== '') return { kind: 'code', code, state };
  return {
    kind: 'error',
    error: params.get('error') ?? 'no code in the redirect',
    description: params.get('error_description') ?? undefined,
    state,
  };
}

/** Watches a page for the redirect URI; `url` is set once a request to it was seen (and cancelled). */
export interface RedirectCapture {
  readonly url: string | undefined;
}

/** DevTools URL patterns treat `*` and `?` as wildcards and `\` as escape. */
function literalPattern(text: string): string {
  return text.replace(/[\\*?]/g, '\\$&');
}

/** Starts catching requests to `redirectUri` in `page`; call before the login starts. */
export async function captureRedirect(page: Page, redirectUri: string): Promise<RedirectCapture> {
  const target = new URL(redirectUri);
  const session = await page.context().newCDPSession(page);
  const capture: { url: string | undefined } = { url: undefined };
  session.on('Fetch.requestPaused', (event) => {
    const url = event.request.url;
    // Any request to the redirect URI is stopped, answer or not: nothing reaches whatever serves it.
    const stop = isRedirectTarget(url, redirectUri);
    if (stop) capture.url ??= url;
    const next = stop
      ? session.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'Aborted' })
      : session.send('Fetch.continueRequest', { requestId: event.requestId });
    // The page may be closing; a request that cannot be answered any more needs nothing.
    next.catch(() => undefined);
  });
  await session.send('Fetch.enable', {
    patterns: [{ urlPattern: `${literalPattern(target.origin + target.pathname)}*`, requestStage: 'Request' }],
  });
  return capture;
}
