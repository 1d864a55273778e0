/**
 * Exact's legacy login, with the element ids of the real pages: `/docs/Login.aspx` asks the username, then
 * re-renders with the password field; `/docs/TotpLogin.aspx` asks the authenticator code. Forms post back to
 * their own page; a step that succeeds redirects (303) to the next page.
 */
import type { PageContext } from './context';
import { transactionOn } from './context';
import { escapeHtml, renderDocument } from './html';
import { methodNotAllowed, readForm, sendHtml } from './http';
import { LOGIN_PATHS, pageUrl } from './paths';
import { checkPassword, checkTotp, passwordAccepted, totpAccepted } from './steps';
import type { LoginTransaction } from './transactions';

function errorArea(id: string, message: string | undefined): string {
  return `<div id="${id}" class="errors" role="alert">${message === undefined ? '' : escapeHtml(message)}</div>`;
}

function renderLogin(transaction: LoginTransaction, message?: string): string {
  const action = escapeHtml(pageUrl(LOGIN_PATHS.legacyLogin, transaction));
  const username = escapeHtml(transaction.username ?? '');
  const askPassword = transaction.stage === 'password';
  const passwordStep = askPassword
    ? `<p>Aanmelden als <strong id="LoginForm_UserNameDisplay">${username}</strong></p>
<label for="LoginForm_Password">Wachtwoord</label>
<input type="password" id="LoginForm_Password" name="LoginForm$Password" autocomplete="current-password" autofocus>`
    : '<input type="hidden" id="LoginForm_HiddenPassword">';
  return renderDocument({
    title: 'Exact Online - Inloggen',
    htmlId: 'LoginPage',
    body: `<h1>Exact Online</h1>
<form id="LoginForm" method="post" action="${action}">
${errorArea('LoginForm_ErrorMessages', message)}
<label for="LoginForm_UserName">Gebruikersnaam</label>
<input type="text" id="LoginForm_UserName" name="LoginForm$UserName" value="${username}" autocomplete="username"${askPassword ? '' : ' autofocus'}>
${passwordStep}
<input type="submit" id="LoginForm_btnSave" value="${askPassword ? 'Inloggen' : 'Volgende'}">
</form>`,
  });
}

function renderTotp(transaction: LoginTransaction, message?: string): string {
  const action = escapeHtml(pageUrl(LOGIN_PATHS.legacyTotp, transaction));
  return renderDocument({
    title: 'Exact Online - Verificatiecode',
    body: `<h1>Tweestapsverificatie</h1>
<form id="LoginForm" method="post" action="${action}">
${errorArea('LoginForm_Input_ErrorMessages', message)}
<label for="LoginForm_Input_Key">Verificatiecode uit uw authenticator-app</label>
<input type="text" id="LoginForm_Input_Key" name="LoginForm$Input$Key" inputmode="numeric" autocomplete="one-time-code" maxlength="6" autofocus>
<label><input type="checkbox" id="LoginForm_RememberDevice" name="LoginForm$RememberDevice"> Dit apparaat onthouden</label>
<input type="submit" id="LoginForm_btnSave" value="Verifi&euml;ren">
</form>`,
  });
}

/** `/docs/Login.aspx`: username step, then password step, on one page. */
export async function handleLegacyLogin(ctx: PageContext): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, 'GET, POST');
  const transaction = transactionOn(ctx, LOGIN_PATHS.legacyLogin);
  if (transaction === undefined) return;
  if (ctx.req.method === 'GET') return sendHtml(ctx.res, 200, renderLogin(transaction));

  const form = await readForm(ctx.req);
  // The username field stays on the password step, so a user may correct it there.
  const username = form.get('LoginForm$UserName')?.trim() || transaction.username || '';
  const password = form.get('LoginForm$Password') ?? '';
  const fromUsernameStep = transaction.stage === 'username';
  transaction.username = username;
  if (username !== '') transaction.stage = 'password';
  if (fromUsernameStep && username !== '' && password === '') return sendHtml(ctx.res, 200, renderLogin(transaction));
  const result = checkPassword(ctx, username, password);
  if (!result.ok) return sendHtml(ctx.res, 200, renderLogin(transaction, result.message));
  passwordAccepted(ctx.res, transaction, result.userId);
}

/** `/docs/TotpLogin.aspx`: the authenticator code. */
export async function handleLegacyTotp(ctx: PageContext): Promise<void> {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, 'GET, POST');
  const transaction = transactionOn(ctx, LOGIN_PATHS.legacyTotp);
  if (transaction === undefined) return;
  if (ctx.req.method === 'GET') return sendHtml(ctx.res, 200, renderTotp(transaction));

  const form = await readForm(ctx.req);
  const userId = transaction.userId;
  if (userId === undefined) throw new Error('a transaction reached the TOTP step without a user');
  const result = checkTotp(ctx, userId, (form.get('LoginForm$Input$Key') ?? '').trim());
  if (!result.ok) return sendHtml(ctx.res, 200, renderTotp(transaction, result.message));
  totpAccepted(ctx, transaction, userId);
}
