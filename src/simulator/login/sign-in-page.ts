/**
 * The pages that take the username and the password, for every flow: `/docs/Login.aspx` (legacy: username,
 * then password on the same page, or both at once; hybrid: the username alone, on the start host) and
 * `/b2c/signin` (b2c: both at once; hybrid: the password, or both, on the B2C host). A form posts back to its
 * own page; a step that succeeds redirects (303) to the next page, on whichever host that is.
 */
import { type PageContext, pageLocation, transactionOn } from './context';
import { fieldsFor, type FormFields } from './fields';
import { methodNotAllowed, readForm, sendHtml } from './http';
import { hostFor, type LoginPath, pageUrl } from './paths';
import { renderStage } from './render';
import { answerSubmit, pageReply, redirectReply, sendReply } from './reply';
import { checkPassword, passwordAccepted } from './steps';
import type { LoginTransaction } from './transactions';

export async function handleSignIn(ctx: PageContext, path: LoginPath): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, 'GET, POST');
  const transaction = transactionOn(ctx, path);
  if (transaction === undefined) return;
  const action = pageUrl(path, transaction);
  if (ctx.req.method === 'GET') return sendHtml(ctx.res, 200, renderStage(transaction, action));

  const form = await readForm(ctx.req);
  const fields = fieldsFor(transaction.site, hostFor(transaction));
  if (transaction.stage === 'username' && transaction.site.flow === 'hybrid') {
    return hybridUsername(ctx, transaction, form.get(fields.username), action);
  }
  const fromUsernameStep = transaction.stage === 'username';
  const username = usernameOf(transaction, form, fields);
  const password = form.get(fields.password) ?? '';
  transaction.username = username;
  if (username !== '') transaction.stage = 'password';
  if (fromUsernameStep && username !== '' && password === '') {
    // The legacy username step: the same page again, now with the password field.
    return answerSubmit(ctx, 'username', username, pageReply(renderStage(transaction, action)));
  }
  const result = checkPassword(ctx, username, password);
  const reply = result.ok
    ? passwordAccepted(ctx, transaction, result.userId)
    : pageReply(renderStage(transaction, action, result.problem));
  // A post without a password submitted nothing a fault could follow.
  if (password === '') return sendReply(ctx.res, reply);
  answerSubmit(ctx, 'password', username, reply);
}

/**
 * Who is signing in. The legacy page keeps the username field on its password step, so a user may correct it
 * there (empty means the one given before); a page that asks both takes what was typed; the hybrid flow's
 * password page has only the username the start host took.
 */
function usernameOf(transaction: LoginTransaction, form: URLSearchParams, fields: FormFields): string {
  const { site } = transaction;
  if (site.flow === 'hybrid' && !site.usernameAndPasswordTogether) return transaction.username ?? '';
  const typed = (form.get(fields.username) ?? '').trim();
  return site.flow === 'legacy' ? typed || transaction.username || '' : typed;
}

/** The hybrid start page: takes the username and sends the browser to the B2C host for the password. */
function hybridUsername(ctx: PageContext, transaction: LoginTransaction, typed: string | null, action: string): void {
  const username = (typed ?? '').trim();
  if (username === '') return sendHtml(ctx.res, 200, renderStage(transaction, action, 'missingUsername'));
  transaction.username = username;
  transaction.stage = 'password';
  answerSubmit(ctx, 'username', username, redirectReply(pageLocation(ctx, transaction)));
}
