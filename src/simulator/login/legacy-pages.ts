/**
 * Exact's legacy login markup, with the element ids of the real pages (facts §3.1): `/docs/Login.aspx` asks the
 * username, then re-renders with the password field (or, with `usernameAndPasswordTogether`, asks both at
 * once); `/docs/TotpLogin.aspx` asks the code. With every knob native these are the pages as they always were.
 */
import { fieldsFor } from './fields';
import { escapeHtml, renderDocument } from './html';
import { codeInputs, codeLabelTarget, errorSlots, type PageView, withBottom } from './page-parts';
import { textsFor } from './texts';

function errorArea(id: string, textHtml: string | undefined): string {
  return `<div id="${id}" class="errors" role="alert">${textHtml ?? ''}</div>`;
}

/** `username`: the first step; `password`: the same page with the password field; `credentials`: both at once. */
export function renderLegacyLogin(view: PageView, kind: 'username' | 'password' | 'credentials'): string {
  const t = textsFor(view.site, 'legacy');
  const fields = fieldsFor(view.site, 'start');
  const action = escapeHtml(view.action);
  const username = escapeHtml(view.username ?? '');
  const slots = errorSlots(view, (text) => errorArea('LoginForm_ErrorMessages', text));
  const askPassword = kind !== 'username';
  const passwordLabel = `<label for="LoginForm_Password">${t.password}</label>`;
  const passwordStep =
    kind === 'password'
      ? `<p>${t.signingInAs} <strong id="LoginForm_UserNameDisplay">${username}</strong></p>
${passwordLabel}
<input type="password" id="LoginForm_Password" name="${fields.password}" autocomplete="current-password" autofocus>`
      : kind === 'credentials'
        ? `${passwordLabel}
<input type="password" id="LoginForm_Password" name="${fields.password}" autocomplete="current-password">`
        : '<input type="hidden" id="LoginForm_HiddenPassword">';
  const usernameFocus = kind === 'password' ? '' : ' autofocus';
  const submit = `<input type="submit" id="LoginForm_btnSave" value="${askPassword ? t.signInButton : t.next}">`;
  return renderDocument({
    title: `Exact Online - ${t.signIn}`,
    htmlId: 'LoginPage',
    lang: t.lang,
    body: `<h1>Exact Online</h1>
<form id="LoginForm" method="post" action="${action}">
${slots.top}
<label for="LoginForm_UserName">${t.username}</label>
<input type="text" id="LoginForm_UserName" name="${fields.username}" value="${username}" autocomplete="username"${usernameFocus}>
${passwordStep}
${withBottom(submit, slots)}
</form>`,
  });
}

export function renderLegacyTotp(view: PageView): string {
  const t = textsFor(view.site, 'legacy');
  const fields = fieldsFor(view.site, 'start');
  const slots = errorSlots(view, (text) => errorArea('LoginForm_Input_ErrorMessages', text));
  const submit = `<input type="submit" id="LoginForm_btnSave" value="${t.verify}">`;
  return renderDocument({
    title: `Exact Online - ${t.totpTitle}`,
    lang: t.lang,
    body: `<h1>${t.totpHeading}</h1>
<form id="LoginForm" method="post" action="${escapeHtml(view.action)}">
${slots.top}
<label for="${codeLabelTarget(view.site, 'LoginForm_Input_Key')}">${t.totpLabel}</label>
${codeInputs(view.site, t, 'LoginForm_Input_Key', fields.totp)}
<label><input type="checkbox" id="LoginForm_RememberDevice" name="LoginForm$RememberDevice"> ${t.rememberDevice}</label>
${withBottom(submit, slots)}
</form>`,
  });
}
