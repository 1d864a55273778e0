/**
 * `/docs/OAuthConsent.aspx`, on the start host in every flow: the user allows or refuses the app. Allowing
 * issues the authorization code and sends the browser to the redirect URI with `code` and `state`; refusing
 * sends `error=access_denied`. Either way the transaction ends, so a second click cannot mint a second code.
 */
import type { PageContext } from './context';
import { transactionOn } from './context';
import { renderErrorPage } from './html';
import { methodNotAllowed, readForm, sendHtml } from './http';
import { LOGIN_PATHS, pageUrl } from './paths';
import { renderStage } from './render';
import { answerSubmit, redirectReply } from './reply';
import { textsFor } from './texts';
import type { LoginTransaction } from './transactions';

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
  if (ctx.req.method === 'GET') {
    return sendHtml(ctx.res, 200, renderStage(transaction, pageUrl(LOGIN_PATHS.consent, transaction)));
  }

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
    return answerSubmit(ctx, 'consent', transaction.username, redirectReply(answerUrl(transaction, { code }), 302));
  }
  if (decision === 'deny') {
    ctx.store.finish(transaction.id);
    const refused = answerUrl(transaction, { error: 'access_denied' });
    return answerSubmit(ctx, 'consent', transaction.username, redirectReply(refused, 302));
  }
  const t = textsFor(transaction.site, 'legacy');
  sendHtml(ctx.res, 400, renderErrorPage(t.noChoice, t.noChoiceDetail(t.allow, t.deny)));
}
