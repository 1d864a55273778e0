/**
 * Generated login sites: each knob renders what it says, over real HTTP, and every combination can still be
 * walked by a client that reads pages by meaning (input types, autocomplete, button values) rather than ids.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOGIN_MESSAGES, refusalText } from '../../src/simulator/login';
import type { LoginSiteStyle } from '../../src/simulator';
import { Harness } from './harness';
import { formAction, idsOf, inputsOf, LoginClient, nameOf, type Page } from './login-client';

let h: Harness;
let client: LoginClient;
beforeEach(async () => {
  h = await new Harness().start();
  client = new LoginClient(h);
});
afterEach(async () => h.stop());

const NATIVE_IDS = [
  'LoginPage',
  'LoginForm',
  'LoginForm_UserName',
  'LoginForm$UserName',
  'LoginForm_UserNameDisplay',
  'LoginForm_Password',
  'LoginForm_HiddenPassword',
  'LoginForm_btnSave',
  'LoginForm_ErrorMessages',
  'LoginForm_Input_Key',
  'LoginForm_Input_ErrorMessages',
  'LoginForm_RememberDevice',
  'signInName',
  'signInNameDisplay',
  'password',
  'next',
  'totpVerificationCode',
  'localAccountForm',
  'attributeVerification',
  'api',
  'submit_btn',
  'ConsentForm',
  'ConsentClientId',
  'ConsentUserName',
  'AllowButton',
  'DenyButton',
  'StaySignedInForm',
  'StaySignedInYes',
  'StaySignedInNo',
];
const NATIVE_NAMES = [
  'LoginForm$UserName',
  'LoginForm$Password',
  'LoginForm$Input$Key',
  'signInName',
  'password',
  'totpVerificationCode',
];

describe('other markup', () => {
  it.each(['legacy', 'b2c', 'hybrid'] as const)(
    '%s: no page has a native id or field name, and a client reading by meaning still logs in',
    async (flow) => {
      h.sim.control.setLoginSite({ flow, markup: 'other', consentButton: 'other', staySignedIn: true });
      const { pages, landed } = await client.walk();
      expect(landed.searchParams.get('code')).toBeTruthy();
      expect(pages.length).toBeGreaterThanOrEqual(flow === 'b2c' ? 4 : 5);
      for (const page of pages) {
        expect(
          idsOf(page.body).filter((id) => NATIVE_IDS.includes(id)),
          page.url,
        ).toEqual([]);
        const names = inputsOf(page.body).map((input) => input.name);
        expect(
          names.filter((name) => NATIVE_NAMES.includes(name ?? '')),
          page.url,
        ).toEqual([]);
        expect(page.body).not.toContain('class="error pageLevel');
      }
    },
  );

  it('keeps the native consent button unless consentButton says otherwise', async () => {
    h.sim.control.setLoginSite({ markup: 'other' });
    const { pages } = await client.walk();
    expect(pages.at(-1)?.body).toContain('id="AllowButton"');
  });
});

describe('languages', () => {
  const WORDS = {
    nl: ['Gebruikersnaam', 'Volgende', 'Wachtwoord', 'Inloggen', 'Verificatiecode', 'Toestaan'],
    de: ['Benutzername', 'Weiter', 'Passwort', 'Anmelden', 'Bestätigungscode', 'Zulassen'],
    en: ['Username', 'Next', 'Password', 'Sign in', 'Verification code', 'Allow'],
  } as const;

  it.each(['nl', 'de', 'en'] as const)(
    '%s: labels, headings, buttons and refusals in that language',
    async (language) => {
      h.sim.control.setLoginSite({ flow: 'legacy', markup: 'other', language });
      const usernamePage = await client.follow(await client.get(client.authorizeUrl()));
      expect(usernamePage.body).toContain(`lang="${language}"`);
      const passwordPage = await client.submit(usernamePage, client.fieldsByMeaning(usernamePage) ?? {});
      const refused = await client.submit(passwordPage, { [nameOf(passwordPage.body, 'type', 'password')]: 'Nope-7' });
      expect(refused.body).toContain(refusalText('wrongCredentials', language));
      expect(refused.body).not.toContain('Nope-7');
      const { pages } = await client.walk();
      const all = [usernamePage, passwordPage, ...pages].map((page) => page.body).join('\n');
      for (const word of WORDS[language]) expect(all, word).toContain(word);
    },
  );

  it('translates the refusals of the native pages too, leaving their ids alone', async () => {
    h.sim.control.setLoginSite({ flow: 'b2c', language: 'de' });
    const page = await client.follow(await client.get(client.authorizeUrl()));
    const refused = await client.submit(page, { signInName: h.user.username, password: 'falsch' });
    expect(refused.body).toContain(
      '<div class="error pageLevel" aria-hidden="false" role="alert">Der Benutzername oder das Passwort ist falsch.</div>',
    );
  });
});

describe('error placement', () => {
  async function refusedPasswordPage(): Promise<{ before: Page; after: Page }> {
    const page = await client.follow(await client.get(client.authorizeUrl()));
    const before = inputsOf(page.body).some((input) => input.type === 'password')
      ? page
      : await client.follow(await client.submit(page, client.fieldsByMeaning(page) ?? {}));
    const fields = client.fieldsByMeaning(before, 'Wrong-Password-1') ?? {};
    return { before, after: await client.submit(before, fields) };
  }

  it.each(['legacy', 'b2c', 'hybrid'] as const)(
    '%s, alert: role="alert" appears only after a failed submit',
    async (flow) => {
      h.sim.control.setLoginSite({ flow, errorPlacement: 'alert' });
      const { before, after } = await refusedPasswordPage();
      expect(before.body).not.toContain('role="alert"');
      expect(after.status).toBe(200);
      expect(after.body).toContain(
        `<div id="signin-notice" class="notice" role="alert">${LOGIN_MESSAGES.wrongCredentials}</div>`,
      );
      expect(after.body.match(/role="alert"/g)).toHaveLength(1);
      expect(after.body).not.toMatch(/id="LoginForm_ErrorMessages|class="error pageLevel/);
      expect(after.body).not.toContain('Wrong-Password-1');
    },
  );

  it.each(['legacy', 'b2c', 'hybrid'] as const)(
    '%s, unexpected: a plain paragraph, no error semantics',
    async (flow) => {
      h.sim.control.setLoginSite({ flow, errorPlacement: 'unexpected', markup: 'other', language: 'nl' });
      const { before, after } = await refusedPasswordPage();
      const text = refusalText('wrongCredentials', 'nl');
      expect(before.body).not.toContain(text);
      expect(after.body).toContain(`<p class="note">${text}</p>`);
      expect(after.body).not.toContain('role=');
      expect(after.body).not.toMatch(/(id|class)="[^"]*(error|validation|alert)/i);
    },
  );
});

describe('page knobs', () => {
  it('usernameAndPasswordTogether: the legacy page asks both, one submit reaches the code page', async () => {
    h.sim.control.setLoginSite({ flow: 'legacy', usernameAndPasswordTogether: true });
    const page = await client.follow(await client.get(client.authorizeUrl()));
    expect(page.body).toContain('id="LoginForm_UserName"');
    expect(page.body).toContain('id="LoginForm_Password"');
    const answer = await client.submit(page, {
      LoginForm$UserName: h.user.username,
      LoginForm$Password: h.user.password,
    });
    expect(answer.location).toMatch(/^\/docs\/TotpLogin\.aspx\?tx=/);
  });

  it('staySignedIn: a page with Yes/No buttons in the page language and no fields, then consent', async () => {
    h.sim.control.setLoginSite({ flow: 'b2c', staySignedIn: true, language: 'nl' });
    const page = await client.follow(await client.get(client.authorizeUrl()));
    const totp = await client.follow(await client.submit(page, client.fieldsByMeaning(page) ?? {}));
    const afterCode = await client.submit(totp, client.fieldsByMeaning(totp) ?? {});
    expect(afterCode.location).toMatch(/^\/b2c\/staysignedin\?tx=/);
    const stay = await client.follow(afterCode);
    expect(stay.body).toContain('Aangemeld blijven?');
    expect(stay.body).toMatch(/<button[^>]*>Ja</);
    expect(stay.body).toMatch(/<button[^>]*>Nee</);
    expect(inputsOf(stay.body)).toEqual([]);
    const toConsent = await client.submit(stay, { StaySignedIn: 'no' });
    expect(toConsent.location).toMatch(/^\/docs\/OAuthConsent\.aspx\?tx=/);
  });

  it('consentButton other: another button allows (Toestaan), a deny button refuses', async () => {
    h.sim.control.setLoginSite({ consentButton: 'other', language: 'nl' });
    const { pages } = await client.walk();
    const consent = pages.at(-1) as Page;
    expect(consent.body).not.toContain('AllowButton');
    expect(consent.body).toMatch(/<button type="submit" id="grant-yes"[^>]*name="decision" value="allow">Toestaan</);
    expect(consent.body).toMatch(/value="deny">Weigeren</);
  });

  it('totpInputs six: six one-digit numeric inputs, and the server joins a split code', async () => {
    h.sim.control.setLoginSite({ flow: 'legacy', totpInputs: 'six', usernameAndPasswordTogether: true });
    const page = await client.follow(await client.get(client.authorizeUrl()));
    const totp = await client.follow(await client.submit(page, client.fieldsByMeaning(page) ?? {}));
    const digits = inputsOf(totp.body).filter((input) => input.maxlength === '1');
    expect(digits).toHaveLength(6);
    for (const digit of digits) expect(digit).toMatchObject({ inputmode: 'numeric', type: 'text' });
    expect(totp.body).not.toContain('id="LoginForm_Input_Key"');

    const wrong = await client.submit(totp, Object.fromEntries(digits.map((d, i) => [d.name ?? '', i < 5 ? '1' : ''])));
    expect(wrong.body).toContain(LOGIN_MESSAGES.malformedTotp);
    const code = client.totp();
    const right = await client.submit(totp, Object.fromEntries(digits.map((d, i) => [d.name ?? '', code[i] ?? ''])));
    expect(right.status).toBe(303);
    expect(right.location).toMatch(/OAuthConsent/);
  });

  it('pages are plain forms: no script, every form posts', async () => {
    h.sim.control.setLoginSite({ flow: 'hybrid', markup: 'other', staySignedIn: true, totpInputs: 'six' });
    const { pages } = await client.walk();
    for (const page of pages) {
      expect(page.body).not.toContain('<script');
      expect(formAction(page)).toMatch(/^http:/);
      expect(page.body).toMatch(/<form[^>]*method="post"/);
    }
  });
});

describe('switching sites', () => {
  it('over the control API: answers the site with every knob decided, refuses unknown knobs', async () => {
    const set = await h.control('POST', 'login-site', { flow: 'b2c', language: 'de' });
    expect(set.status).toBe(200);
    expect(JSON.parse(set.body)).toEqual({
      flow: 'b2c',
      markup: 'native',
      language: 'de',
      errorPlacement: 'native',
      usernameAndPasswordTogether: true,
      staySignedIn: false,
      consentButton: 'native',
      totpInputs: 'single',
    });
    expect(JSON.parse((await h.control('GET', 'login-site')).body)).toMatchObject({ site: { flow: 'b2c' }, apps: {} });
    const bad = await h.control('POST', 'login-site', { flow: 'b2c', colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('colour');
    const badValue = await h.control('POST', 'login-site', { language: 'fr' });
    expect(badValue.status).toBe(400);
  });

  it('per app: addApp({ loginSite }) and setLoginSite(style, { clientId }) leave other apps alone', async () => {
    const style: LoginSiteStyle = { flow: 'b2c' };
    const other = h.sim.control.addApp({ redirectUri: 'http://127.0.0.1:18872/cb', loginSite: style });
    const otherStart = await client.get(
      client.authorizeUrl({ client_id: other.clientId, redirect_uri: other.redirectUri }),
    );
    expect(otherStart.location).toMatch(/^\/b2c\/signin/);
    expect((await client.get(client.authorizeUrl())).location).toMatch(/^\/docs\/Login\.aspx/);

    h.sim.control.setLoginSite({ flow: 'hybrid' }, { clientId: h.app.clientId });
    expect((await client.get(client.authorizeUrl())).location).toMatch(/^\/docs\/Login\.aspx/);
    expect(h.sim.control.loginSite().apps[h.app.clientId]?.flow).toBe('hybrid');
    expect(() => h.sim.control.setLoginSite({}, { clientId: 'nope' })).toThrow(/no app with clientId nope/);
  });

  it('a login under way keeps the site it started on', async () => {
    const page = await client.follow(await client.get(client.authorizeUrl()));
    h.sim.control.setLoginSite({ markup: 'other' });
    const again = await client.get(page.url);
    expect(again.body).toBe(page.body);
  });
});
