/**
 * The start host's username page of the hybrid flow (today's start.exactonline.*, facts §3.2): an input with
 * the id *and* name `LoginForm$UserName` and a plain submit button. Submitting it sends the browser to the
 * B2C host, another origin, for the password.
 */
import { fieldsFor } from './fields';
import { escapeHtml, renderDocument } from './html';
import { errorSlots, type PageView, withBottom } from './page-parts';
import { textsFor } from './texts';

export function renderHybridStart(view: PageView): string {
  const t = textsFor(view.site, 'legacy');
  const fields = fieldsFor(view.site, 'start');
  const slots = errorSlots(
    view,
    (text) => `<div id="LoginForm_ErrorMessages" class="errors" role="alert">${text ?? ''}</div>`,
  );
  const submit = `<button type="submit" id="submit_btn">${t.next}</button>`;
  return renderDocument({
    title: `Exact Online - ${t.signIn}`,
    lang: t.lang,
    body: `<h1>Exact Online</h1>
<form id="LoginForm" method="post" action="${escapeHtml(view.action)}">
${slots.top}
<label for="${fields.username}">${t.username}</label>
<input type="text" id="${fields.username}" name="${fields.username}" value="${escapeHtml(view.username ?? '')}" autocomplete="username" autofocus>
${withBottom(submit, slots)}
</form>`,
  });
}
