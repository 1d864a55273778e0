/**
 * Pieces every look of a login page shares: where the refusal shows (per the site's `errorPlacement`) and the
 * code input (one field, or six one-digit fields).
 */
import { TOTP_DIGIT_COUNT, totpDigitName } from './fields';
import { escapeHtml } from './html';
import { type LoginProblem, refusalText } from './refusals';
import type { LoginSite } from './site-style';
import type { LoginTexts } from './texts';

/** What a page shows: the form's target, the typed username and the refusal of the last submit, if any. */
export interface PageView {
  site: LoginSite;
  /** The form's action (relative to the page). */
  action: string;
  /** What the user typed as username (escaped by the renderer). */
  username?: string;
  problem?: LoginProblem;
}

/** Markup for the top of the form and for after its buttons; either may be empty. */
export interface ErrorSlots {
  top: string;
  bottom: string;
}

/**
 * Where the refusal goes. `native`: the page's own error area (`nativeArea`, given the escaped text or
 * undefined). `alert`: an element with `role="alert"` and an id and class of its own. `unexpected`: a plain
 * paragraph after the buttons, with no role and nothing of "error" in its id or class. The last two replace
 * the native area and exist only while there is a refusal to show.
 */
export function errorSlots(view: PageView, nativeArea: (textHtml: string | undefined) => string): ErrorSlots {
  const text = view.problem === undefined ? undefined : escapeHtml(refusalText(view.problem, view.site.language));
  switch (view.site.errorPlacement) {
    case 'native':
      return { top: nativeArea(text), bottom: '' };
    case 'alert':
      return {
        top: text === undefined ? '' : `<div id="signin-notice" class="notice" role="alert">${text}</div>`,
        bottom: '',
      };
    case 'unexpected':
      return { top: '', bottom: text === undefined ? '' : `<p class="note">${text}</p>` };
  }
}

/** `markup` followed by the bottom slot on its own line, when there is one. */
export function withBottom(markup: string, slots: ErrorSlots): string {
  return slots.bottom === '' ? markup : `${markup}\n${slots.bottom}`;
}

/** The id a code label points at: the single field, or the first of six. */
export function codeLabelTarget(site: LoginSite, id: string): string {
  return site.totpInputs === 'six' ? `${id}_1` : id;
}

/**
 * The code input(s). One field as the native pages have it, or six one-digit numeric fields named
 * `<name>_1` … `<name>_6`, which the server joins.
 */
export function codeInputs(site: LoginSite, t: LoginTexts, id: string, name: string): string {
  if (site.totpInputs === 'single') {
    return `<input type="text" id="${id}" name="${name}" inputmode="numeric" autocomplete="one-time-code" maxlength="6" autofocus>`;
  }
  const digits: string[] = [];
  for (let position = 1; position <= TOTP_DIGIT_COUNT; position++) {
    const first = position === 1;
    digits.push(
      `<input type="text" id="${id}_${position}" name="${totpDigitName(name, position)}" inputmode="numeric" ` +
        `pattern="[0-9]" maxlength="1" autocomplete="${first ? 'one-time-code' : 'off'}" ` +
        `aria-label="${t.totpDigit(position)}"${first ? ' autofocus' : ''}>`,
    );
  }
  return `<div class="code-digits" role="group" aria-label="${t.totpLabel}">\n${digits.join('\n')}\n</div>`;
}
