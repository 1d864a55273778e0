/**
 * The login pages with `markup: 'other'`: the same steps as any flow, but ids, names and classes that no native
 * page uses (`identity-field`, `login_secret`, …). What stays is what the pages mean: input types,
 * `autocomplete`, labels bound to their inputs and the buttons' words, which is all a client reading by meaning
 * needs.
 */
import { fieldsFor, type LoginHost } from './fields';
import { escapeHtml, renderDocument } from './html';
import { codeInputs, codeLabelTarget, errorSlots, type PageView, withBottom } from './page-parts';
import { type LoginTexts, textsFor } from './texts';

/** The "native" error area of this look: a validation summary without a role. */
function summary(textHtml: string | undefined): string {
  return `<div id="signin-problems" class="validation-summary">${textHtml ?? ''}</div>`;
}

function renderShell(t: LoginTexts, heading: string, form: string): string {
  return renderDocument({
    title: `Exact Online - ${heading}`,
    lang: t.lang,
    body: `<main class="auth-shell">
<h2 class="auth-title">${heading}</h2>
${form}
</main>`,
  });
}

function button(text: string): string {
  return `<div class="auth-actions"><button type="submit" class="btn btn-primary">${text}</button></div>`;
}

/** `username`: the username alone; `password`: the password of a username already given; `credentials`: both. */
export function renderOtherSignIn(
  view: PageView,
  kind: 'username' | 'password' | 'credentials',
  host: LoginHost,
): string {
  const t = textsFor(view.site, 'legacy');
  const fields = fieldsFor(view.site, host);
  const slots = errorSlots(view, summary);
  const username = escapeHtml(view.username ?? '');
  const parts: string[] = [];
  if (kind === 'password') {
    parts.push(`<p class="auth-who">${t.signingInAs} <b>${username}</b></p>`);
  } else {
    parts.push(`<div class="auth-row"><label for="identity-field">${t.username}</label>
<input type="text" id="identity-field" name="${fields.username}" value="${username}" autocomplete="username" autofocus></div>`);
  }
  if (kind !== 'username') {
    parts.push(`<div class="auth-row"><label for="secret-field">${t.password}</label>
<input type="password" id="secret-field" name="${fields.password}" autocomplete="current-password"${kind === 'password' ? ' autofocus' : ''}></div>`);
  }
  const submit = button(kind === 'username' ? t.next : t.signInButton);
  return renderShell(
    t,
    t.signIn,
    `<form id="signin-form" class="auth-form" method="post" action="${escapeHtml(view.action)}">
${slots.top}
${parts.join('\n')}
${withBottom(submit, slots)}
</form>`,
  );
}

export function renderOtherTotp(view: PageView, host: LoginHost): string {
  const t = textsFor(view.site, 'legacy');
  const fields = fieldsFor(view.site, host);
  const slots = errorSlots(view, summary);
  return renderShell(
    t,
    t.totpHeading,
    `<form id="verify-form" class="auth-form" method="post" action="${escapeHtml(view.action)}">
${slots.top}
<div class="auth-row"><label for="${codeLabelTarget(view.site, 'code-field')}">${t.totpLabel}</label>
${codeInputs(view.site, t, 'code-field', fields.totp)}</div>
${withBottom(button(t.verify), slots)}
</form>`,
  );
}
