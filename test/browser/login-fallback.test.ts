/**
 * loginAndAuthorize on login pages no profile knows, through the fast page driver: the `auto` profile reads
 * them by meaning through to the code; refusals are read wherever they show (alert, live region, error class,
 * new text, a hint that became visible), in five languages, with "locked" told apart; and a step that comes
 * back without any readable refusal is never submitted a second time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoginFailedError, loginAndAuthorize, totpCodeAt, type LoginOptions } from '../../src/browser';
import { startFixtureSite, type FixtureSite } from './support/fixture-site';
import {
  codePage,
  consentPage,
  LANGUAGES,
  passwordPage,
  postedCode,
  staySignedInPage,
  usernamePage,
  type Language,
  type Placement,
} from './support/fixture-pages';
import { AUTHORIZATION_CODE, installFlow, type FlowPage } from './support/login-flow';
import { httpPageDriver } from '../support/http-page-driver';
import { buildAuthorizationUrl } from '../../src/exact';
import { createSimulator } from '../../src/simulator';
import { LOGIN_MESSAGES } from '../../src/simulator/login';

const USERNAME = 'jan@example.nl';
const PASSWORD = 'Sterk-Wachtwoord-7';
const TOTP_SECRET = 'KRUGS4ZANFZSAYLO';
/** A fixed clock: the code the login types is known in advance. */
const NOW_MS = Date.UTC(2026, 0, 15, 10, 0, 5);
const CODE = totpCodeAt(TOTP_SECRET, NOW_MS);
const WRONG = 'The details you entered are not right.';

let site: FixtureSite;
beforeEach(async () => {
  site = await startFixtureSite();
});
afterEach(() => site.close());

function options(authorizationUrl: string, overrides: Partial<LoginOptions> = {}): LoginOptions {
  return {
    authorizationUrl,
    redirectUri: `${site.origin}/callback`,
    credentials: { username: USERNAME, password: PASSWORD, totpSecret: TOTP_SECRET },
    allowedOrigins: [site.origin],
    driver: httpPageDriver(),
    now: () => NOW_MS,
    timeoutMs: 10_000,
    ...overrides,
  };
}

async function failureOf(login: Promise<unknown>): Promise<LoginFailedError> {
  const error: unknown = await login.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof LoginFailedError) return error;
  throw new Error(`expected a LoginFailedError, got ${String(error)}`);
}

const posts = (path: string) => site.posts().filter((request) => request.path === path);

function flow(language: Language, placement: Placement = 'alert', check?: Partial<Record<number, FlowPage['check']>>) {
  const t = LANGUAGES[language];
  const pages: FlowPage[] = [
    { html: (view) => usernamePage(t, view), check: check?.[0] },
    {
      html: (view) => passwordPage(t, view, placement, WRONG),
      check: check?.[1] ?? ((form) => (form.get('secret') === PASSWORD ? undefined : WRONG)),
    },
    {
      html: (view) => codePage(t, view, true),
      check: check?.[2] ?? ((form) => (postedCode(form) === CODE ? undefined : 'Wrong code.')),
    },
    { html: (view) => staySignedInPage(t, view) },
    { html: (view) => consentPage(t, view) },
  ];
  return installFlow(site, pages, `${site.origin}/callback`);
}

describe('logging in on pages read by meaning (auto profile, fast driver)', () => {
  it.each(Object.keys(LANGUAGES) as Language[])(
    'walks a %s site through username, password, six code inputs, "stay signed in?" and consent',
    async (language) => {
      const success = await loginAndAuthorize(options(flow(language)));
      expect(success).toMatchObject({ code: AUTHORIZATION_CODE, state: 's-1', totpStep: Math.floor(NOW_MS / 30_000) });
      expect(success.steps).toEqual(['username', 'password', 'totp', 'consent']);
      expect(posts('/step/0').map((post) => post.form.get('ident'))).toEqual([USERNAME]);
      expect(posts('/step/1').map((post) => post.form.get('act'))).toEqual(['login']);
      expect(posts('/step/2').map((post) => postedCode(post.form))).toEqual([CODE]);
      expect(posts('/step/3').map((post) => post.form.get('stay'))).toEqual(['no']);
      expect(posts('/step/4').map((post) => post.form.get('decision'))).toEqual(['grant']);
      // The redirect URI is never requested: the code is single-use.
      expect(site.requests.some((request) => request.path === '/callback')).toBe(false);
    },
  );
});

describe('refusals read wherever they show', () => {
  it.each(['alert', 'live', 'class', 'text', 'revealed'] as const)(
    'reads a wrong password shown as %s, submits it once and leaves it unconfirmed',
    async (placement) => {
      const error = await failureOf(
        loginAndAuthorize(
          options(flow('en', placement), {
            credentials: { username: USERNAME, password: 'nope-1', totpSecret: TOTP_SECRET },
          }),
        ),
      );
      expect(error.toFailure()).toMatchObject({
        step: 'password',
        reason: 'credentials-rejected',
        retryable: false,
        pageError: WRONG,
        unconfirmedSubmit: 'password',
      });
      expect(posts('/step/1')).toHaveLength(1);
      expect(posts('/step/2')).toHaveLength(0);
    },
  );

  it.each(Object.keys(LANGUAGES) as Language[])('reads a locked account in %s', async (language) => {
    const locked = LANGUAGES[language].locked;
    const error = await failureOf(loginAndAuthorize(options(flow(language, 'text', { 1: () => locked }))));
    expect(error.toFailure()).toMatchObject({ step: 'password', reason: 'account-locked', pageError: locked });
    expect(error.message).toMatch(/account is locked/);
  });

  it('reads a refused code as totp-rejected, leaving the code step unconfirmed and the password confirmed', async () => {
    const error = await failureOf(loginAndAuthorize(options(flow('de', 'alert', { 2: () => 'Falscher Code.' }))));
    expect(error.toFailure()).toMatchObject({
      step: 'totp',
      reason: 'totp-rejected',
      pageError: 'Falscher Code.',
      unconfirmedSubmit: 'totp',
      totpStep: Math.floor(NOW_MS / 30_000),
    });
    expect(posts('/step/2')).toHaveLength(1);
  });

  it('takes the same step coming back without any readable refusal as a refusal, and never submits it twice', async () => {
    // The password page comes back exactly as it was: no alert, no new text.
    const error = await failureOf(loginAndAuthorize(options(flow('nl', 'text', { 1: () => '' }))));
    expect(error.toFailure()).toMatchObject({
      step: 'password',
      reason: 'unexpected-page',
      retryable: false,
      pageError: 'Inloggen',
      unconfirmedSubmit: 'password',
    });
    expect(error.message).toContain('the password step came back without a readable refusal');
    expect(posts('/step/1')).toHaveLength(1);
  });

  it('takes an earlier step coming back (the username page after the password) as the password refused', async () => {
    const t = LANGUAGES.en;
    const authorizationUrl = installFlow(
      site,
      [
        { html: (view) => usernamePage(t, view) },
        { html: (view) => passwordPage(t, view), answer: () => ({ location: '/step/0' }) },
      ],
      `${site.origin}/callback`,
    );
    const error = await failureOf(loginAndAuthorize(options(authorizationUrl)));
    expect(error.toFailure()).toMatchObject({
      step: 'password',
      reason: 'unexpected-page',
      unconfirmedSubmit: 'password',
    });
    expect(posts('/step/0')).toHaveLength(1);
    expect(posts('/step/1')).toHaveLength(1);
  });
});

describe("the auto profile on the simulator's native pages (profiles first, fast driver)", () => {
  it.each(['legacy', 'b2c'] as const)(
    'logs in through the %s pages, and reads a wrong password there',
    async (variant) => {
      const sim = createSimulator({ loginVariant: variant });
      const { baseUrl } = await sim.start();
      try {
        const redirectUri = `${site.origin}/callback`;
        const app = sim.control.addApp({ redirectUri });
        sim.control.addUser({ username: USERNAME, password: PASSWORD, totpSecret: TOTP_SECRET });
        const authorizationUrl = buildAuthorizationUrl({ baseUrl, clientId: app.clientId, redirectUri, state: 's-9' });
        const login = (password: string) =>
          loginAndAuthorize({
            authorizationUrl,
            redirectUri,
            credentials: { username: USERNAME, password, totpSecret: TOTP_SECRET },
            allowedOrigins: [baseUrl],
            driver: httpPageDriver(),
          });
        const success = await login(PASSWORD);
        expect(success.state).toBe('s-9');
        expect(success.steps.slice(-3)).toEqual(['password', 'totp', 'consent']);
        const error = await failureOf(login('Wrong-Pass-1'));
        expect(error.toFailure()).toMatchObject({
          step: 'password',
          reason: 'credentials-rejected',
          pageError: LOGIN_MESSAGES.wrongCredentials,
          unconfirmedSubmit: 'password',
        });
        const passwords = sim.control.counters().logins.filter((entry) => entry.step === 'password');
        expect(passwords.map((entry) => entry.ok)).toEqual([true, false]);
      } finally {
        await sim.stop();
      }
    },
  );
});
