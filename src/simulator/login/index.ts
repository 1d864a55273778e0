/**
 * The simulator's login pages: the OAuth authorization-code flow in server-rendered HTML, as a browser (or
 * Playwright) sees it on Exact Online. `GET /api/oauth2/auth` starts a login; the legacy or B2C pages (per
 * `state.loginVariant`) check password and TOTP; the consent page issues the code and redirects to the app.
 *
 * Login progress is kept server-side per simulator, keyed by the `state` object the server passes in: pass the
 * same object on every request.
 */
import type { LoginRouteHandler } from '../types';
import { handleAuthorize } from './authorize';
import { handleB2cSignIn, handleB2cTotp } from './b2c-pages';
import { handleConsent } from './consent';
import type { PageContext } from './context';
import { renderErrorPage } from './html';
import { FormTooLargeError, sendHtml } from './http';
import { handleLegacyLogin, handleLegacyTotp } from './legacy-pages';
import { LOGIN_PATHS } from './paths';
import { loginStoreOf } from './transactions';

export { LOGIN_MESSAGES, type LoginMessage } from './messages';
export { LOGIN_PATHS, type LoginPath } from './paths';
export { PASSWORD_FAILURES_BEFORE_LOCK } from './lockout';
export { SESSION_COOKIE, TRANSACTION_LIFETIME_IN_CODE_TTLS } from './transactions';
export { escapeHtml } from './html';

type PageHandler = (ctx: PageContext) => void | Promise<void>;

// ASP.NET paths are case-insensitive on Exact, so routes are matched in lower case.
const ROUTES = new Map<string, PageHandler>([
  [LOGIN_PATHS.authorize.toLowerCase(), handleAuthorize],
  [LOGIN_PATHS.legacyLogin.toLowerCase(), handleLegacyLogin],
  [LOGIN_PATHS.legacyTotp.toLowerCase(), handleLegacyTotp],
  [LOGIN_PATHS.b2cSignIn.toLowerCase(), handleB2cSignIn],
  [LOGIN_PATHS.b2cTotp.toLowerCase(), handleB2cTotp],
  [LOGIN_PATHS.consent.toLowerCase(), handleConsent],
]);

/** Serves the login pages; resolves false for any other path so the server can route it elsewhere. */
export const handleLoginRoute: LoginRouteHandler = async (state, req, res, url) => {
  const page = ROUTES.get(url.pathname.toLowerCase());
  if (page === undefined) return false;
  try {
    await page({ state, store: loginStoreOf(state), req, res, url });
  } catch (error) {
    // Anything else is a simulator bug: the server answers it (500) and reports it.
    if (!(error instanceof FormTooLargeError) || res.headersSent) throw error;
    sendHtml(res, 413, renderErrorPage('The form is too large', error.message));
  }
  return true;
};
