/**
 * The one page reading, for every driver: Chromium runs {@link readDom} through `page.evaluate` (as the string
 * {@link readingScript} builds), the fast test driver calls it on a jsdom document. Same code, same answers.
 *
 * `readDom` is self-contained: it uses no name from outside its body (its words arrive in the spec), because
 * only its source text reaches the page. It may declare inner helpers: tsx (esbuild `keepNames`) wraps them in
 * a `__name(...)` call, which the script defines as a no-op. It sees the DOM through the minimal types of
 * dom-types.ts, as the project compiles without the DOM library, and it writes one thing: the ref attribute on
 * the elements it found, so a driver can fill and click them.
 */
import type { DomDocument, DomElement } from './dom-types';
import type { DomReading, FoundField, FoundPage, PageKind, ReadingSpec } from './reading-types';

/** The attribute that names found elements for the driver; its values start with the login's secret prefix. */
export const REF_ATTRIBUTE = 'data-chainkeeper-ref';
/** A window property a driver sets before a submit; a new document does not have it. */
export const DOCUMENT_MARKER = '__chainkeeperMarked';

/** The CSS selector of the element a reading named `ref`. */
export function refSelector(ref: string): string {
  return `[${REF_ATTRIBUTE}="${ref.replace(/["\\]/g, '\\$&')}"]`;
}

type Role = 'username' | 'password' | 'totp' | 'digit' | 'new-password' | 'other';
interface Candidate {
  el: DomElement;
  value: FoundField['value'];
  digit?: number;
}

/** Reads `doc`: which page it is (by profile, else by meaning), its refusal texts, and what shows. */
export function readDom(doc: DomDocument, spec: ReadingSpec): DomReading {
  const view = doc.defaultView;
  const words = {
    username: new RegExp(spec.words.username),
    password: new RegExp(spec.words.password),
    totp: new RegExp(spec.words.totp),
    submit: new RegExp(spec.words.submit),
    allow: new RegExp(spec.words.allow),
    never: new RegExp(spec.words.never),
    yes: new RegExp(spec.words.yes),
    no: new RegExp(spec.words.no),
  };
  const all = (selector: string): DomElement[] => Array.from(doc.querySelectorAll(selector));
  const attr = (el: DomElement, name: string): string => el.getAttribute(name) ?? '';
  const tagOf = (el: DomElement): string => el.tagName.toUpperCase();
  // normaliseWords() of page-words.ts, repeated: nothing from outside this function reaches the page.
  const norm = (text: string): string =>
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

  // Visibility: Chromium's own checkVisibility; elsewhere (jsdom) the same rules by hand, so both agree on
  // static pages: the hidden attribute and display:none up the ancestors, then the element's visibility.
  const native = typeof doc.body?.checkVisibility === 'function';
  const styleOf = (el: DomElement) => (view === null ? { display: '', visibility: '' } : view.getComputedStyle(el));
  const boxlessMemo = new Map<DomElement, boolean>();
  const boxless = (el: DomElement): boolean => {
    const known = boxlessMemo.get(el);
    if (known !== undefined) return known;
    const own =
      attr(el, 'aria-hidden') === 'true' ||
      tagOf(el) === 'NOSCRIPT' ||
      (!native && (el.hasAttribute('hidden') || styleOf(el).display === 'none'));
    const result = own || (el.parentElement !== null && boxless(el.parentElement));
    boxlessMemo.set(el, result);
    return result;
  };
  const hidden = (el: DomElement): boolean =>
    boxless(el) ||
    (el.checkVisibility !== undefined && native
      ? !el.checkVisibility({ visibilityProperty: true })
      : /^(?:hidden|collapse)$/.test(styleOf(el).visibility));

  const SKIP = /^(?:SCRIPT|STYLE|NOSCRIPT|TEMPLATE|HEAD|TITLE|SELECT|OPTION|DATALIST|TEXTAREA|SVG)$/;
  const BLOCK =
    /^(?:ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|BR|BUTTON|DD|DIV|DL|DT|FIELDSET|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LABEL|LI|MAIN|NAV|OL|P|PRE|SECTION|TABLE|TBODY|TD|TFOOT|TH|THEAD|TR|UL)$/;
  const textOf = (el: DomElement): string => {
    let text = '';
    for (const child of Array.from(el.childNodes)) {
      if (child.nodeType === 3) text += child.data ?? '';
      if (child.nodeType !== 1) continue;
      const element = child as DomElement;
      if (SKIP.test(tagOf(element)) || hidden(element)) continue;
      text += BLOCK.test(tagOf(element)) ? ` ${textOf(element)} ` : textOf(element);
    }
    return text;
  };
  const visibleText = (el: DomElement): string => squash(textOf(el)).slice(0, 300);

  // Refs of an earlier reading go first: only what this reading found may be filled or clicked.
  for (const el of all(`[${spec.refAttribute}]`)) el.removeAttribute(spec.refAttribute);
  const tag = (el: DomElement, name: string): string => {
    const ref = `${spec.refPrefix}-${name}`;
    el.setAttribute(spec.refAttribute, ref);
    return ref;
  };
  const refsOf = (fields: Candidate[]): FoundField[] =>
    fields.map((field, at) => {
      const found: FoundField = { ref: tag(field.el, `${field.value}-${at}`), value: field.value };
      if (field.digit !== undefined) found.digit = field.digit;
      return found;
    });

  const refusalTexts: string[] = [];
  let page: FoundPage | null = null;

  for (const profile of spec.profiles) {
    const at = profile.steps
      .map(
        (step) =>
          step.present.every((selector) => doc.querySelector(selector) !== null) &&
          step.absent.every((selector) => doc.querySelector(selector) === null),
      )
      .lastIndexOf(true);
    const step = profile.steps[at];
    if (step === undefined) continue;
    const fields: Candidate[] = [];
    for (const field of step.fields) {
      const el = doc.querySelector(field.selector);
      if (el !== null) fields.push({ el, value: field.value });
    }
    const submit = doc.querySelector(step.submit);
    page = { kind: step.step, by: profile.name, fields: refsOf(fields), submit: submit && tag(submit, 'submit') };
    for (const selector of step.errorAreas) {
      for (const el of all(selector)) if (!hidden(el)) refusalTexts.push(visibleText(el));
    }
    break;
  }

  // By meaning: fields by what they are, controls by their words.
  const TEXTLIKE = /^(?:|text|email|password|tel|number|search|url)$/;
  const inputs = all('input').filter((el) => TEXTLIKE.test(attr(el, 'type').toLowerCase()) && !hidden(el));
  const usable = inputs.filter((el) => !el.matches(':disabled') && !el.hasAttribute('readonly'));
  const labelOf = (el: DomElement): string => {
    const parts = [attr(el, 'name'), el.id, attr(el, 'placeholder'), attr(el, 'aria-label'), attr(el, 'title')];
    for (const label of Array.from(el.labels ?? [])) parts.push(label.textContent ?? '');
    for (const id of attr(el, 'aria-labelledby').split(/\s+/)) {
      if (id !== '') parts.push(doc.getElementById(id)?.textContent ?? '');
    }
    return norm(parts.join(' '));
  };
  const roleOf = (el: DomElement): Role => {
    const type = attr(el, 'type').toLowerCase();
    const auto = norm(attr(el, 'autocomplete'));
    const label = labelOf(el);
    const numeric =
      attr(el, 'inputmode') === 'numeric' || type === 'number' || type === 'tel' || /\\d|0-9/.test(attr(el, 'pattern'));
    const code = /\bone time code\b/.test(auto);
    if (/\bnew password\b/.test(auto)) return 'new-password';
    if (attr(el, 'maxlength') === '1' && (numeric || code || words.totp.test(label))) return 'digit';
    if (code) return 'totp';
    if (/\bcurrent password\b/.test(auto) || type === 'password') return 'password';
    if (/\b(?:username|email)\b/.test(auto) || type === 'email') return 'username';
    if (numeric && (attr(el, 'maxlength') === '6' || /6/.test(attr(el, 'pattern')))) return 'totp';
    if (words.totp.test(label)) return 'totp';
    if (words.password.test(label)) return 'password';
    return words.username.test(label) ? 'username' : 'other';
  };
  const roles = usable.map((el) => ({ el, role: roleOf(el) }));
  const withRole = (role: Role): DomElement[] => roles.filter((entry) => entry.role === role).map((entry) => entry.el);
  const formOf = (el: DomElement): DomElement | null => el.form ?? el.closest('form');

  const controls = all('button, input[type=submit], input[type=button], input[type=image], [role=button]').filter(
    (el) => !hidden(el) && !el.matches(':disabled'),
  );
  const labelOfControl = (el: DomElement): string =>
    norm(tagOf(el) === 'INPUT' ? attr(el, 'value') || attr(el, 'alt') : textOf(el)) ||
    norm(attr(el, 'aria-label') || attr(el, 'title'));
  const about = (el: DomElement): string =>
    norm(
      [labelOfControl(el), el.id, attr(el, 'name'), attr(el, 'class'), attr(el, 'value'), attr(el, 'href')].join(' '),
    );
  const safe = controls.filter((el) => !words.never.test(about(el)));
  const submits = (el: DomElement): boolean => {
    const type = attr(el, 'type').toLowerCase();
    return tagOf(el) === 'BUTTON' ? type === '' || type === 'submit' : type === 'submit' || type === 'image';
  };
  const submitFor = (form: DomElement | null): DomElement | null => {
    if (form === null) return safe.find((el) => words.submit.test(labelOfControl(el))) ?? null;
    const inForm = safe.filter((el) => formOf(el) === form);
    return inForm.find((el) => words.submit.test(labelOfControl(el))) ?? inForm.find(submits) ?? null;
  };

  const choicePage = (): FoundPage | null => {
    const allow = safe.find((el) => words.allow.test(labelOfControl(el)));
    if (allow !== undefined) return { kind: 'consent', by: 'meaning', fields: [], submit: tag(allow, 'submit') };
    // "Stay signed in?" and the like: no is the answer that commits to least.
    const answer =
      safe.find((el) => words.no.test(labelOfControl(el))) ?? safe.find((el) => words.yes.test(labelOfControl(el)));
    if (answer === undefined) return null;
    return { kind: 'interstitial', by: 'meaning', fields: [], submit: tag(answer, 'submit') };
  };

  const meaningPage = (): FoundPage | null => {
    const passwords = withRole('password');
    const totps = withRole('totp');
    const digits = withRole('digit');
    const usernames = withRole('username');
    // A new password, or a required field nobody knows: not a login step, and nothing is typed there.
    const strange = roles.some(
      ({ el, role }) => role === 'new-password' || (role === 'other' && el.hasAttribute('required') && !el.value),
    );
    if (strange || passwords.length > 1 || totps.length > 1) return null;
    if (digits.length > 0 && (digits.length !== 6 || totps.length > 0)) return null;
    const code: Candidate[] =
      digits.length === 6
        ? digits.map((el, digit) => ({ el, value: 'totpCode', digit }))
        : totps.map((el) => ({ el, value: 'totpCode' }));
    let kind: PageKind;
    let fields: Candidate[];
    const password = passwords[0];
    const firstUsername = usernames[0];
    if (password !== undefined) {
      // A password and a code on one page would be one submit of two secrets: not a page this login knows.
      if (code.length > 0) return null;
      const username = usernames.find((el) => formOf(el) === formOf(password));
      kind = 'password';
      fields = [
        ...(username ? [{ el: username, value: 'username' as const }] : []),
        { el: password, value: 'password' },
      ];
    } else if (code.length > 0) {
      kind = 'totp';
      fields = code;
    } else if (firstUsername !== undefined) {
      kind = 'username';
      fields = [{ el: firstUsername, value: 'username' }];
    } else {
      return inputs.length === 0 ? choicePage() : null;
    }
    const form = formOf((fields[fields.length - 1] as Candidate).el);
    const submit = submitFor(form);
    if (submit === null) {
      // Enter submits with the form's default button, its first submit button (shown or not): it must be one
      // that may be clicked. Neither a button nor a form to press Enter in: nothing would submit it.
      const first =
        form === null
          ? undefined
          : all('button, input[type=submit], input[type=image]').find((el) => formOf(el) === form && submits(el));
      if (form === null || (first !== undefined && words.never.test(about(first)))) return null;
    }
    return { kind, by: 'meaning', fields: refsOf(fields), submit: submit && tag(submit, 'submit') };
  };
  if (page === null && spec.byMeaning) page = meaningPage();

  // Refusals wherever they sit: alerts, live regions, and error-ish ids and classes (not their containers).
  for (const el of all('body *')) {
    if (SKIP.test(tagOf(el))) continue;
    const alert = attr(el, 'role') === 'alert' || (el.hasAttribute('aria-live') && attr(el, 'aria-live') !== 'off');
    const named =
      /error|validation|invalid|alert/i.test(`${el.id} ${attr(el, 'class')}`) &&
      el.querySelector('input, select, textarea, button') === null;
    if ((alert || named) && !hidden(el)) refusalTexts.push(visibleText(el));
  }
  const alerts = [...new Set(refusalTexts.filter((text) => text !== ''))];

  const texts: string[] = [];
  for (const el of all('body *')) {
    if (texts.length >= 200) break;
    if (SKIP.test(tagOf(el))) continue;
    const ownText = Array.from(el.childNodes).some((child) => child.nodeType === 3 && (child.data ?? '').trim() !== '');
    if (!ownText || hidden(el)) continue;
    const text = visibleText(el);
    if (text !== '' && !texts.includes(text)) texts.push(text);
  }

  const firstVisible = (selector: string) => all(selector).find((el) => !hidden(el));
  const heading = firstVisible('h1') ?? firstVisible('h2');
  const paragraph = firstVisible('p');
  const description = [squash(doc.title), heading ? visibleText(heading) : '', paragraph ? visibleText(paragraph) : '']
    .filter((text, at, list) => text !== '' && list.indexOf(text) === at)
    .join(' - ');

  return {
    sameDocument: view !== null && (view as Record<string, unknown>)[spec.marker] === true,
    complete: doc.readyState === 'complete',
    description,
    texts,
    alerts: alerts
      .filter((text, _, list) => !list.some((other) => other !== text && other.includes(text)))
      .slice(0, 20),
    page,
  };
}

/**
 * The expression Chromium evaluates: {@link readDom}'s source applied to the page's document. `__name` is
 * defined first because tsx compiles inner helpers to `__name(fn, "name")` calls that exist only in Node.
 */
export function readingScript(spec: ReadingSpec, source: string = readDom.toString()): string {
  return `(() => { const __name = (target) => target; return (${source})(document, ${JSON.stringify(spec)}); })()`;
}
