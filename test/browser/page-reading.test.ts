/**
 * The page reading by meaning, on static fixtures through the fast page driver (the same readDom Chromium
 * runs): fields by autocomplete, by label in five languages, six one-digit inputs; controls by their words,
 * never a cancel, deny or forgot-password one; hidden elements ignored; refusal areas; interstitials; consent
 * with a button nobody has seen; and the reading surviving tsx's `__name` helpers.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readingPlan, readingScript, readingSpec, type DomReading } from '../../src/browser';
import { startFixtureSite, type FixtureSite } from './support/fixture-site';
import {
  codePage,
  consentPage,
  doc,
  LANGUAGES,
  refusalSlot,
  staySignedInPage,
  type Language,
} from './support/fixture-pages';
import { FILLED, openFixture, type OpenFixture } from './support/open-fixture';

let site: FixtureSite;
let opened: OpenFixture | undefined;

beforeAll(async () => {
  site = await startFixtureSite();
});
afterAll(() => site.close());
afterEach(async () => {
  await opened?.page.close();
  opened = undefined;
});

async function open(html: string): Promise<OpenFixture> {
  opened = await openFixture(site, html);
  return opened;
}

const form = (body: string) => doc('Sign in', `<form method="post" action="/page">${body}</form>`);
const LANGUAGE_NAMES = Object.keys(LANGUAGES) as Language[];

describe('fields by meaning', () => {
  it('finds username and password by autocomplete whatever their names, and submits with the form button', async () => {
    const { reading, submit } = await open(
      form(`<input name="a1" autocomplete="username"><input name="a2" autocomplete="current-password">
<button name="go" value="1">Go</button>`),
    );
    expect(reading.page).toMatchObject({ kind: 'password', by: 'meaning' });
    expect(reading.page?.fields.map((field) => field.value)).toEqual(['username', 'password']);
    const posted = await submit();
    expect(Object.fromEntries(posted?.form ?? [])).toEqual({ a1: FILLED.username, a2: FILLED.password, go: '1' });
  });

  it.each(LANGUAGE_NAMES)('finds the username, password and code by their %s labels', async (language) => {
    const t = LANGUAGES[language];
    const labelled = (label: string, name: string, button: string) =>
      doc(
        'x',
        `<form method="post" action="/page"><label>${label} <input name="${name}"></label><button>${button}</button></form>`,
      );

    const username = await open(labelled(t.username, 'f1', t.next));
    expect(username.reading.page?.kind).toBe('username');
    expect((await username.submit())?.form.get('f1')).toBe(FILLED.username);
    await username.page.close();

    const email = await open(labelled(t.email, 'f2', t.next));
    expect(email.reading.page?.kind).toBe('username');
    await email.page.close();

    // A password field shown as text (a "show password" toggle) is still found by its label.
    const password = await open(labelled(t.password, 'f3', t.signIn));
    expect(password.reading.page?.kind).toBe('password');
    expect((await password.submit())?.form.get('f3')).toBe(FILLED.password);
    await password.page.close();

    const code = await open(labelled(t.code, 'f4', t.verify));
    expect(code.reading.page?.kind).toBe('totp');
    expect((await code.submit())?.form.get('f4')).toBe(FILLED.totpCode);
  });

  it('finds a numeric six-digit input, and six one-character inputs typed one digit each', async () => {
    const single = await open(form('<input name="k" inputmode="numeric" maxlength="6"><button>OK</button>'));
    expect(single.reading.page?.kind).toBe('totp');
    await single.page.close();

    const six = await open(codePage(LANGUAGES.de, { action: '/page' }, true));
    expect(six.reading.page?.kind).toBe('totp');
    expect(six.reading.page?.fields.map((field) => field.digit)).toEqual([0, 1, 2, 3, 4, 5]);
    const posted = await six.submit({ totpCode: '908172' });
    expect([1, 2, 3, 4, 5, 6].map((n) => posted?.form.get(`d${n}`)).join('')).toBe('908172');
  });

  it('ignores inputs that are not shown: display:none, hidden, aria-hidden, visibility:hidden, type=hidden', async () => {
    const { reading, submit } = await open(
      form(`<input name="t1" autocomplete="username" class="gone">
<div hidden><input name="t2" type="password"></div>
<div aria-hidden="true"><input name="t3" type="password"></div>
<div class="faded"><input name="t4" autocomplete="username"></div>
<input type="hidden" name="t5" value="kept">
<label>E-mail <input name="real-user"></label><input type="password" name="real-secret">
<button>Sign in</button>`),
    );
    expect(reading.page?.kind).toBe('password');
    const posted = Object.fromEntries((await submit())?.form ?? []);
    expect(posted).toMatchObject({ t1: '', t2: '', t3: '', t4: '', t5: 'kept' });
    expect(posted).toMatchObject({ 'real-user': FILLED.username, 'real-secret': FILLED.password });
  });

  it('does not take a page that asks for a new password, or two passwords, for a login step', async () => {
    const reset = await open(form('<input type="password" name="n" autocomplete="new-password"><button>Next</button>'));
    expect(reset.reading.page).toBeNull();
    await reset.page.close();
    const twice = await open(
      form('<input type="password" name="a"><input type="password" name="b"><button>OK</button>'),
    );
    expect(twice.reading.page).toBeNull();
  });
});

describe('controls by meaning', () => {
  it('never clicks cancel or forgot-password controls, even when they come first', async () => {
    const { reading, submit } = await open(
      form(`<input autocomplete="username" name="u"><input type="password" name="p">
<button name="act" value="cancel">Cancel</button>
<button name="act" value="forgot">Wachtwoord vergeten?</button>
<button name="act" value="login">Go</button>`),
    );
    expect(reading.page?.submit).not.toBeNull();
    expect((await submit())?.form.get('act')).toBe('login');
  });

  it('refuses a form whose only way to submit would be a cancel or forgot-password control', async () => {
    const { reading } = await open(
      form(`<input type="password" name="p"><button name="act" value="cancel">Annuleren</button>
<button name="act" value="forgot">Mot de passe oublié ?</button>`),
    );
    expect(reading.page).toBeNull();
  });

  it('presses Enter when a form has no button at all', async () => {
    const { reading, submit } = await open(form('<input type="password" name="p">'));
    expect(reading.page).toMatchObject({ kind: 'password', submit: null });
    expect((await submit())?.form.get('p')).toBe(FILLED.password);
  });

  it.each(LANGUAGE_NAMES)(
    'answers "stay signed in?" in %s with no, as an interstitial, not a credential step',
    async (language) => {
      const { reading, submit } = await open(staySignedInPage(LANGUAGES[language], { action: '/page' }));
      expect(reading.page).toMatchObject({ kind: 'interstitial', fields: [] });
      expect((await submit())?.form.get('stay')).toBe('no');
    },
  );

  it('answers yes when yes is the only answer', async () => {
    const { reading, submit } = await open(form('<p>Keep me signed in?</p><button name="k" value="y">Yes</button>'));
    expect(reading.page?.kind).toBe('interstitial');
    expect((await submit())?.form.get('k')).toBe('y');
  });

  it.each(LANGUAGE_NAMES)(
    'finds consent in %s by its allow button, never the deny button before it',
    async (language) => {
      const { reading, submit } = await open(consentPage(LANGUAGES[language], { action: '/page' }));
      expect(reading.page).toMatchObject({ kind: 'consent', by: 'meaning', fields: [] });
      expect((await submit())?.form.get('decision')).toBe('grant');
    },
  );

  it('does not take a cookie banner for consent', async () => {
    const { reading } = await open(
      doc('Welcome', '<div class="cookie-banner"><button class="cookie-accept">Accept</button></div><p>Hello</p>'),
    );
    expect(reading.page).toBeNull();
  });
});

describe('refusal areas and visible text', () => {
  it('reads alerts, live regions and error classes that show text, and nothing hidden', async () => {
    const { reading } = await open(
      form(`${refusalSlot('alert', 'A is wrong')}${refusalSlot('live', 'B is wrong')}${refusalSlot('class', 'C is wrong')}
<div class="error gone">hidden error</div><div id="empty-error"></div><div class="has-error"><label>x <input name="x"></label></div>
${refusalSlot('revealed', undefined, 'D appears later')}<p class="note">plain words</p>
<input type="password" name="p"><button>Sign in</button>`),
    );
    expect(reading.alerts).toEqual(['A is wrong', 'B is wrong', 'C is wrong']);
    expect(reading.texts).toContain('plain words');
    expect(reading.texts.join(' ')).not.toMatch(/hidden error|D appears later/);
    expect(reading.description).toBe('Sign in - plain words');
  });
});

describe('the reading inside Chromium', () => {
  it('survives tsx compiling its inner helpers to __name(...) calls (the script defines a no-op)', () => {
    const source = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./src/browser/dom-reading.ts').then((m) => console.log(m.readDom.toString()))",
      ],
      { cwd: process.cwd(), encoding: 'utf8' },
    );
    expect(source).toContain('__name(');
    const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
      JSDOM: new (html: string, options: object) => { window: { eval(script: string): unknown } };
    };
    const page = new JSDOM(form('<input autocomplete="username" name="u"><button>Next</button>'), {
      runScripts: 'outside-only',
    });
    const reading = page.window.eval(readingScript(readingSpec(readingPlan('auto')), source)) as DomReading;
    expect(reading.page?.kind).toBe('username');
  });
});
