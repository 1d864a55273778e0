/**
 * A login flow on a {@link FixtureSite}: `/authorize` sends the browser to the first page; each page posts to
 * itself; a post that passes goes on (303) to the next page, and after the last to the redirect URI with a
 * code and the state; a refused post shows the same page again with the refusal. Pages are plain HTML
 * functions, so each test writes exactly the markup it is about.
 */
import type { FixtureSite, Reply, Route, SiteRequest } from './fixture-site';

/** What a page shows: where its form posts, and the refusal of the last post, if any. */
export interface PageView {
  action: string;
  refusal?: string;
}

export interface FlowPage {
  html(view: PageView): string;
  /** The refusal text for a post that does not pass; undefined to pass. @default every post passes */
  check?(form: URLSearchParams): string | undefined;
  /** Answers a post with this instead of checking it (a server error, an unknown page, silence). */
  answer?(request: SiteRequest): Reply | undefined;
}

export const AUTHORIZATION_CODE = 'fixture-code-1';

/** Installs the flow's routes on `site`; returns the authorization URL (state `s-1`). */
export function installFlow(site: FixtureSite, pages: readonly FlowPage[], redirectUri: string): string {
  let state = '';
  const next = (index: number): string =>
    index < pages.length
      ? `/step/${index}`
      : `${redirectUri}?code=${AUTHORIZATION_CODE}&state=${encodeURIComponent(state)}`;
  const routes: Record<string, Route> = {
    '/authorize': (request) => {
      state = request.query.get('state') ?? '';
      return { status: 302, location: next(0) };
    },
  };
  for (const [index, page] of pages.entries()) {
    const action = `/step/${index}`;
    routes[action] = (request) => {
      if (request.method !== 'POST') return { html: page.html({ action }) };
      const special = page.answer?.(request);
      if (special !== undefined) return special;
      const refusal = page.check?.(request.form);
      return refusal === undefined ? { location: next(index + 1) } : { html: page.html({ action, refusal }) };
    };
  }
  site.route(routes);
  return `${site.origin}/authorize?client_id=fixture&state=s-1`;
}
