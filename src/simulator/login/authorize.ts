/**
 * `GET /api/oauth2/auth`: checks the authorization request and starts a login transaction. A request that
 * cannot be trusted (unknown app, redirect URI not exactly the registered one, wrong response type) gets an
 * HTML error page and is never redirected, as an unverified redirect URI must not receive anything.
 */
import { renderErrorPage } from './html';
import { methodNotAllowed, readCookie, redirect, sendHtml } from './http';
import { type PageContext, pageLocation } from './context';
import { SESSION_COOKIE } from './transactions';

/** Longer `state` values are refused: no client needs them, and they would be echoed into a URL. */
const MAX_STATE_LENGTH = 2048;

function refuse(ctx: PageContext, detail: string): void {
  sendHtml(ctx.res, 400, renderErrorPage('The authorization request is not valid', detail));
}

export function handleAuthorize(ctx: PageContext): void {
  if (ctx.req.method !== 'GET') return methodNotAllowed(ctx.res, 'GET');
  const params = ctx.url.searchParams;
  const clientId = params.get('client_id');
  const redirectUri = params.get('redirect_uri');
  const responseType = params.get('response_type');
  const oauthState = params.get('state') ?? undefined;
  const forceLogin = params.get('force_login');

  if (!clientId) return refuse(ctx, 'The request has no client_id. Add the client ID of your app from the App Center.');
  const app = ctx.state.findApp(clientId);
  if (app === undefined) {
    return refuse(ctx, `No app is registered with client_id "${clientId}". Check the client ID in the App Center.`);
  }
  if (!redirectUri) return refuse(ctx, 'The request has no redirect_uri. Add the redirect URI registered for the app.');
  if (redirectUri !== app.redirectUri) {
    return refuse(
      ctx,
      `The redirect_uri "${redirectUri}" does not exactly match the redirect URI registered for this app. ` +
        'Use the registered value, character for character.',
    );
  }
  if (!URL.canParse(redirectUri)) {
    return refuse(
      ctx,
      'The app is registered with a redirect URI that is not an absolute URL; fix it in the App Center.',
    );
  }
  if (responseType !== 'code') {
    return refuse(
      ctx,
      `The response_type "${responseType ?? ''}" is not supported. Use response_type=code (authorization-code flow).`,
    );
  }
  if (forceLogin !== null && forceLogin !== '0' && forceLogin !== '1') {
    return refuse(ctx, `force_login must be 0 or 1, not "${forceLogin}".`);
  }
  if (oauthState !== undefined && oauthState.length > MAX_STATE_LENGTH) {
    return refuse(ctx, `The state parameter is longer than ${MAX_STATE_LENGTH} characters.`);
  }

  const site = ctx.store.sites.forApp(clientId);
  const session = forceLogin === '1' ? undefined : ctx.store.findSession(readCookie(ctx.req, SESSION_COOKIE));
  const transaction = ctx.store.begin({
    clientId,
    redirectUri,
    oauthState,
    site,
    // A page that asks username and password together starts at the password stage.
    stage: session !== undefined ? 'consent' : site.usernameAndPasswordTogether ? 'password' : 'username',
  });
  if (session !== undefined) {
    transaction.userId = session.userId;
    transaction.username = session.username;
  }
  redirect(ctx.res, pageLocation(ctx, transaction), 302);
}
