/**
 * The simulator's login pages: the OAuth authorization-code flow in server-rendered HTML, as a browser (or
 * Playwright) sees it on Exact Online. `GET /api/oauth2/auth` starts a login on the app's login site (a flow:
 * legacy, b2c or hybrid, and the knobs of site-style.ts); its pages check password and TOTP; the consent page
 * issues the code and redirects to the app.
 *
 * Login progress is kept server-side per simulator, keyed by the `state` object the server passes in: pass the
 * same object on every request.
 */
import type { LoginRouteHandler } from '../types';
import { handleAuthorize } from './authorize';
import { handleStaySignedIn, handleTotp } from './code-pages';
import { handleConsent } from './consent';
import type { PageContext } from './context';
import { renderErrorPage } from './html';
import { FormTooLargeError, sendHtml } from './http';
import { LOGIN_PATHS } from './paths';
import { handleSignIn } from './sign-in-page';
import { loginStoreOf } from './transactions';

export { LOGIN_MESSAGES, type LoginMessage } from './messages';
export { B2C_HOST_PATHS, LOGIN_PATHS, type LoginPath } from './paths';
export { PASSWORD_FAILURES_BEFORE_LOCK } from './lockout';
export { SESSION_COOKIE, TRANSACTION_LIFETIME_IN_CODE_TTLS, loginStoreOf } from './transactions';
export { escapeHtml } from './html';
export { refusalText, type LoginProblem } from './refusals';
export * from './site-style';
export type { LoginFaultKind, LoginFaultRule, LoginFaultStep } from './login-faults';

type PageHandler = (ctx: PageContext) => void | Promise<void>;

// ASP.NET paths are case-insensitive on Exact, so routes are matched in lower case.
const ROUTES = new Map<string, PageHandler>([
  [LOGIN_PATHS.authorize.toLowerCase(), handleAuthorize],
  [LOGIN_PATHS.legacyLogin.toLowerCase(), (ctx) => handleSignIn(ctx, LOGIN_PATHS.legacyLogin)],
  [LOGIN_PATHS.b2cSignIn.toLowerCase(), (ctx) => handleSignIn(ctx, LOGIN_PATHS.b2cSignIn)],
  [LOGIN_PATHS.legacyTotp.toLowerCase(), (ctx) => handleTotp(ctx, LOGIN_PATHS.legacyTotp)],
  [LOGIN_PATHS.b2cTotp.toLowerCase(), (ctx) => handleTotp(ctx, LOGIN_PATHS.b2cTotp)],
  [LOGIN_PATHS.staySignedIn.toLowerCase(), (ctx) => handleStaySignedIn(ctx, LOGIN_PATHS.staySignedIn)],
  [LOGIN_PATHS.b2cStaySignedIn.toLowerCase(), (ctx) => handleStaySignedIn(ctx, LOGIN_PATHS.b2cStaySignedIn)],
  [LOGIN_PATHS.consent.toLowerCase(), handleConsent],
]);

/** Serves the login pages; resolves false for any other path so the server can route it elsewhere. */
export const handleLoginRoute: LoginRouteHandler = async (state, req, res, url, hosts) => {
  const page = ROUTES.get(url.pathname.toLowerCase());
  if (page === undefined) return false;
  try {
    await page({ state, store: loginStoreOf(state), req, res, url, hosts });
  } catch (error) {
    // Anything else is a simulator bug: the server answers it (500) and reports it.
    if (!(error instanceof FormTooLargeError) || res.headersSent) throw error;
    sendHtml(res, 413, renderErrorPage('The form is too large', error.message));
  }
  return true;
};
