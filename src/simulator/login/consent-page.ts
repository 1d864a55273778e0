/**
 * The consent page and the "Stay signed in?" question. Exact's real consent ids are unknown (facts §3.3), so
 * the native ones are the simulator's: `#AllowButton` ("Toestaan", Exact's word) and `#DenyButton`. With
 * `consentButton: 'other'` the buttons have other ids, classes and (per language) labels; with
 * `markup: 'other'` the rest of the page does.
 */
import { escapeHtml, renderDocument } from './html';
import type { LoginSite } from './site-style';
import { textsFor } from './texts';

/** What the consent page shows besides the site's texts. */
export interface ConsentView {
  site: LoginSite;
  action: string;
  clientId: string;
  username: string;
}

function consentButtons(site: LoginSite, allow: string, deny: string): string {
  if (site.consentButton === 'native') {
    return `<button type="submit" id="AllowButton" name="decision" value="allow">${allow}</button>
<button type="submit" id="DenyButton" name="decision" value="deny">${deny}</button>`;
  }
  return `<button type="submit" id="grant-yes" class="grant-accept" name="decision" value="allow">${allow}</button>
<button type="submit" id="grant-no" class="grant-reject" name="decision" value="deny">${deny}</button>`;
}

export function renderConsent(view: ConsentView): string {
  const { site } = view;
  const t = textsFor(site, 'legacy');
  const native = site.markup === 'native';
  const client = escapeHtml(view.clientId);
  const user = escapeHtml(view.username);
  const question = native
    ? t.consentText(`<strong id="ConsentClientId">${client}</strong>`, `<strong id="ConsentUserName">${user}</strong>`)
    : t.consentText(`<b class="grant-app">${client}</b>`, `<b class="grant-user">${user}</b>`);
  const formId = native ? 'ConsentForm' : 'grant-form';
  return renderDocument({
    title: `Exact Online - ${t.consentHeading}`,
    lang: t.lang,
    body: `<h1>${t.consentHeading}</h1>
<p>${question}</p>
<form id="${formId}" method="post" action="${escapeHtml(view.action)}">
${consentButtons(site, t.allow, t.deny)}
</form>`,
  });
}

/** "Stay signed in?": two buttons, no fields; either answer goes on to consent. */
export function renderStaySignedIn(site: LoginSite, action: string): string {
  const t = textsFor(site, site.flow === 'legacy' ? 'legacy' : 'b2c');
  const buttons =
    site.markup === 'native'
      ? `<button type="submit" id="StaySignedInYes" name="StaySignedIn" value="yes">${t.yes}</button>
<button type="submit" id="StaySignedInNo" name="StaySignedIn" value="no">${t.no}</button>`
      : `<button type="submit" class="btn btn-primary" name="remember" value="1">${t.yes}</button>
<button type="submit" class="btn" name="remember" value="0">${t.no}</button>`;
  return renderDocument({
    title: `Exact Online - ${t.stayHeading}`,
    lang: t.lang,
    body: `<h1>${t.stayHeading}</h1>
<p>${t.stayText}</p>
<form id="${site.markup === 'native' ? 'StaySignedInForm' : 'remember-form'}" method="post" action="${escapeHtml(action)}">
${buttons}
</form>`,
  });
}
