/**
 * The pages after the password: the code (`/docs/TotpLogin.aspx`, `/b2c/totp`) and, when the site asks it,
 * "Stay signed in?" (`/docs/StaySignedIn.aspx`, `/b2c/staysignedin`). Both lead on to consent.
 */
import { type PageContext, pageLocation, transactionOn } from './context';
import { fieldsFor, readTotpCode } from './fields';
import { methodNotAllowed, readForm, sendHtml } from './http';
import { hostFor, type LoginPath, pageUrl } from './paths';
import { renderStage } from './render';
import { answerSubmit, pageReply, redirectReply, sendReply } from './reply';
import { checkTotp, totpAccepted } from './steps';

export async function handleTotp(ctx: PageContext, path: LoginPath): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, 'GET, POST');
  const transaction = transactionOn(ctx, path);
  if (transaction === undefined) return;
  const action = pageUrl(path, transaction);
  if (ctx.req.method === 'GET') return sendHtml(ctx.res, 200, renderStage(transaction, action));

  const form = await readForm(ctx.req);
  const userId = transaction.userId;
  if (userId === undefined) throw new Error('a transaction reached the TOTP step without a user');
  const code = readTotpCode(form, transaction.site, fieldsFor(transaction.site, hostFor(transaction)));
  const result = checkTotp(ctx, userId, code);
  const reply = result.ok
    ? totpAccepted(ctx, transaction, userId)
    : pageReply(renderStage(transaction, action, result.problem));
  answerSubmit(ctx, 'totp', transaction.username, reply);
}

/** Either answer goes on to consent: the simulator's sessions do not depend on it. */
export async function handleStaySignedIn(ctx: PageContext, path: LoginPath): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, 'GET, POST');
  const transaction = transactionOn(ctx, path);
  if (transaction === undefined) return;
  if (ctx.req.method === 'GET') return sendHtml(ctx.res, 200, renderStage(transaction, pageUrl(path, transaction)));
  await readForm(ctx.req);
  transaction.stage = 'consent';
  sendReply(ctx.res, redirectReply(pageLocation(ctx, transaction)));
}
