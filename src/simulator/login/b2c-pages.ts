/**
 * The One Exact Identity markup (Azure AD B2C at login.exact.com, facts §3.2): one form with `#signInName`,
 * `#password` and `button#next` (or, in the hybrid flow after the start host took the username, the password
 * alone), then a code form with `#totpVerificationCode`. Refusals appear in `.error.pageLevel`, hidden while
 * there is none. The real pages post with script; these post plain forms, which a browser drives the same way.
 */
import { fieldsFor } from './fields';
import { escapeHtml, renderDocument } from './html';
import { codeInputs, codeLabelTarget, errorSlots, type PageView, withBottom } from './page-parts';
import { textsFor } from './texts';

function pageLevelError(textHtml: string | undefined): string {
  return textHtml === undefined
    ? '<div class="error pageLevel" aria-hidden="true" style="display: none;"></div>'
    : `<div class="error pageLevel" aria-hidden="false" role="alert">${textHtml}</div>`;
}

function renderB2cPage(view: PageView, title: string, form: string): string {
  return renderDocument({
    title: `Exact - ${title}`,
    lang: textsFor(view.site, 'b2c').lang,
    body: `<div id="api" data-name="Unified">
<div class="heading"><h1>${escapeHtml(title)}</h1></div>
${form}
</div>`,
  });
}

/** `credentials`: username and password together; `password`: the password of the username the start host took. */
export function renderB2cSignIn(view: PageView, kind: 'password' | 'credentials'): string {
  const t = textsFor(view.site, 'b2c');
  const fields = fieldsFor(view.site, 'b2c');
  const slots = errorSlots(view, pageLevelError);
  const username = escapeHtml(view.username ?? '');
  const identity =
    kind === 'credentials'
      ? `<label for="signInName">${t.username}</label>
<input type="text" id="signInName" name="${fields.username}" value="${username}" autocomplete="username" autofocus>`
      : `<p class="identity">${t.signingInAs} <strong id="signInNameDisplay">${username}</strong></p>`;
  const focus = kind === 'password' ? ' autofocus' : '';
  const submit = `<div class="buttons"><button type="submit" id="next">${t.signInButton}</button></div>`;
  return renderB2cPage(
    view,
    t.signIn,
    `<form id="localAccountForm" method="post" action="${escapeHtml(view.action)}">
${slots.top}
${identity}
<label for="password">${t.password}</label>
<input type="password" id="password" name="${fields.password}" autocomplete="current-password"${focus}>
${withBottom(submit, slots)}
</form>`,
  );
}

export function renderB2cTotp(view: PageView): string {
  const t = textsFor(view.site, 'b2c');
  const fields = fieldsFor(view.site, 'b2c');
  const slots = errorSlots(view, pageLevelError);
  const submit = `<div class="buttons"><button type="submit" id="next">${t.verify}</button></div>`;
  return renderB2cPage(
    view,
    t.totpTitle,
    `<form id="attributeVerification" method="post" action="${escapeHtml(view.action)}">
${slots.top}
<label for="${codeLabelTarget(view.site, 'totpVerificationCode')}">${t.totpLabel}</label>
${codeInputs(view.site, t, 'totpVerificationCode', fields.totp)}
${withBottom(submit, slots)}
</form>`,
  );
}
