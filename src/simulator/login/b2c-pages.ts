/**
 * The One Exact Identity login (Azure AD B2C at login.exact.com), shaped like its pages: one form with
 * `#signInName`, `#password` and `button#next`, then a TOTP form with `#totpVerificationCode`. Errors appear
 * in `.error.pageLevel`, which is hidden while there is none. The real pages post with script; these post
 * plain forms, which a browser drives the same way.
 */
import type { PageContext } from './context';
import { transactionOn } from './context';
import { escapeHtml, renderDocument } from './html';
import { methodNotAllowed, readForm, sendHtml } from './http';
import { LOGIN_PATHS, pageUrl } from './paths';
import { checkPassword, checkTotp, passwordAccepted, totpAccepted } from './steps';
import type { LoginTransaction } from './transactions';

function pageLevelError(message: string | undefined): string {
  return message === undefined
    ? '<div class="error pageLevel" aria-hidden="true" style="display: none;"></div>'
    : `<div class="error pageLevel" aria-hidden="false" role="alert">${escapeHtml(message)}</div>`;
}

function renderB2cPage(title: string, form: string): string {
  return renderDocument({
    title: `Exact - ${title}`,
    body: `<div id="api" data-name="Unified">
<div class="heading"><h1>${escapeHtml(title)}</h1></div>
${form}
</div>`,
  });
}

function renderSignIn(transaction: LoginTransaction, message?: string): string {
  const action = escapeHtml(pageUrl(LOGIN_PATHS.b2cSignIn, transaction));
  return renderB2cPage(
    'Aanmelden',
    `<form id="localAccountForm" method="post" action="${action}">
${pageLevelError(message)}
<label for="signInName">E-mailadres</label>
<input type="text" id="signInName" name="signInName" value="${escapeHtml(transaction.username ?? '')}" autocomplete="username" autofocus>
<label for="password">Wachtwoord</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<div class="buttons"><button type="submit" id="next">Aanmelden</button></div>
</form>`,
  );
}

function renderTotp(transaction: LoginTransaction, message?: string): string {
  const action = escapeHtml(pageUrl(LOGIN_PATHS.b2cTotp, transaction));
  return renderB2cPage(
    'Verificatiecode',
    `<form id="attributeVerification" method="post" action="${action}">
${pageLevelError(message)}
<label for="totpVerificationCode">Voer de code uit uw authenticator-app in</label>
<input type="text" id="totpVerificationCode" name="totpVerificationCode" inputmode="numeric" autocomplete="one-time-code" maxlength="6" autofocus>
<div class="buttons"><button type="submit" id="next">Verifi&euml;ren</button></div>
</form>`,
  );
}

/** `/b2c/signin`: username and password together. */
export async function handleB2cSignIn(ctx: PageContext): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, 'GET, POST');
  const transaction = transactionOn(ctx, LOGIN_PATHS.b2cSignIn);
  if (transaction === undefined) return;
  if (ctx.req.method === 'GET') return sendHtml(ctx.res, 200, renderSignIn(transaction));

  const form = await readForm(ctx.req);
  const username = (form.get('signInName') ?? '').trim();
  transaction.username = username;
  const result = checkPassword(ctx, username, form.get('password') ?? '');
  if (!result.ok) return sendHtml(ctx.res, 200, renderSignIn(transaction, result.message));
  passwordAccepted(ctx.res, transaction, result.userId);
}

/** `/b2c/totp`: the authenticator code. */
export async function handleB2cTotp(ctx: PageContext): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, 'GET, POST');
  const transaction = transactionOn(ctx, LOGIN_PATHS.b2cTotp);
  if (transaction === undefined) return;
  if (ctx.req.method === 'GET') return sendHtml(ctx.res, 200, renderTotp(transaction));

  const form = await readForm(ctx.req);
  const userId = transaction.userId;
  if (userId === undefined) throw new Error('a transaction reached the TOTP step without a user');
  const result = checkTotp(ctx, userId, (form.get('totpVerificationCode') ?? '').trim());
  if (!result.ok) return sendHtml(ctx.res, 200, renderTotp(transaction, result.message));
  totpAccepted(ctx, transaction, userId);
}
