/**
 * `/docs/OAuthConsent.aspx`: the user allows or refuses the app. Exact's real consent ids are unknown, so the
 * ids are the simulator's: `#AllowButton` ("Toestaan", Exact's word) and `#DenyButton`. Allowing issues the
 * authorization code and sends the browser to the redirect URI with `code` and `state`; refusing sends
 * `error=access_denied`. Either way the transaction ends, so a second click cannot mint a second code.
 */
import type { PageContext } from './context';
import { transactionOn } from './context';
import { escapeHtml, renderDocument, renderErrorPage } from './html';
import { methodNotAllowed, readForm, redirect, sendHtml } from './http';
import { LOGIN_PATHS, pageUrl } from './paths';
import type { LoginTransaction } from './transactions';

function renderConsent(transaction: LoginTransaction): string {
  const action = escapeHtml(pageUrl(LOGIN_PATHS.consent, transaction));
  return renderDocument({
    title: 'Exact Online - Toegang verlenen',
    body: `<h1>Toegang verlenen</h1>
<p>De app <strong id="ConsentClientId">${escapeHtml(transaction.clientId)}</strong> vraagt toegang tot uw
Exact Online-administraties namens <strong id="ConsentUserName">${escapeHtml(transaction.username ?? '')}</strong>.</p>
<form id="ConsentForm" method="post" action="${action}">
<button type="submit" id="AllowButton" name="decision" value="allow">Toestaan</button>
<button type="submit" id="DenyButton" name="decision" value="deny">Weigeren</button>
</form>`,
  });
}

/** The redirect URI with the answer's parameters added (keeping any query the registered URI has). */
function answerUrl(transaction: LoginTransaction, answer: Record<string, string>): string {
  const target = new URL(transaction.redirectUri);
  for (const [name, value] of Object.entries(answer)) target.searchParams.append(name, value);
  if (transaction.oauthState !== undefined) target.searchParams.append('state', transaction.oauthState);
  return target.toString();
}

export async function handleConsent(ctx: PageContext): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, 'GET, POST');
  const transaction = transactionOn(ctx, LOGIN_PATHS.consent);
  if (transaction === undefined) return;
  if (ctx.req.method === 'GET') return sendHtml(ctx.res, 200, renderConsent(transaction));

  const decision = (await readForm(ctx.req)).get('decision');
  const userId = transaction.userId;
  if (userId === undefined) throw new Error('a transaction reached consent without a user');
  if (decision === 'allow') {
    const code = ctx.state.issueAuthorizationCode({
      clientId: transaction.clientId,
      redirectUri: transaction.redirectUri,
      userId,
    });
    ctx.store.finish(transaction.id);
    return redirect(ctx.res, answerUrl(transaction, { code }), 302);
  }
  if (decision === 'deny') {
    ctx.store.finish(transaction.id);
    return redirect(ctx.res, answerUrl(transaction, { error: 'access_denied' }), 302);
  }
  sendHtml(
    ctx.res,
    400,
    renderErrorPage('No choice was made', 'Choose "Toestaan" to allow the app or "Weigeren" to refuse it.'),
  );
}
