/**
 * The same fixtures in real headless Chromium: both page drivers read every fixture page alike (the reading
 * is one function, and visibility is judged the same way with or without checkVisibility); and a login by
 * meaning, a refusal shown as plain text, an origin refusal and a server error after the password behave in
 * Chromium as they do in the fast driver.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chromiumPageDriver,
  LoginFailedError,
  loginAndAuthorize,
  readingPlan,
  readingSpec,
  totpCodeAt,
  type DomReading,
  type LoginOptions,
} from '../../src/browser';
import { httpPageDriver } from '../support/http-page-driver';
import { startFixtureSite, type FixtureSite } from './support/fixture-site';
import {
  codePage,
  consentPage,
  doc,
  LANGUAGES,
  passwordPage,
  postedCode,
  refusalSlot,
  staySignedInPage,
  usernamePage,
} from './support/fixture-pages';
import { AUTHORIZATION_CODE, installFlow, type FlowPage } from './support/login-flow';
import { openFixture } from './support/open-fixture';

const USERNAME = 'jan@example.nl';
const PASSWORD = 'Sterk-Wachtwoord-7';
const TOTP_SECRET = 'KRUGS4ZANFZSAYLO';
const NOW_MS = Date.UTC(2026, 0, 15, 10, 0, 5);
const CODE = totpCodeAt(TOTP_SECRET, NOW_MS);
const WRONG = 'Benutzername oder Passwort ist falsch.';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const t = LANGUAGES.de;

let site: FixtureSite;
let other: FixtureSite | undefined;
let screenshotDir: string;

beforeAll(async () => {
  screenshotDir = await mkdtemp(join(tmpdir(), 'chainkeeper-fallback-'));
});
afterAll(() => rm(screenshotDir, { recursive: true, force: true }));
beforeEach(async () => {
  site = await startFixtureSite();
});
afterEach(async () => {
  await site.close();
  await other?.close();
  other = undefined;
});

function options(authorizationUrl: string, overrides: Partial<LoginOptions> = {}): LoginOptions {
  return {
    authorizationUrl,
    redirectUri: `${site.origin}/callback`,
    credentials: { username: USERNAME, password: PASSWORD, totpSecret: TOTP_SECRET },
    allowedOrigins: [site.origin],
    now: () => NOW_MS,
    timeoutMs: 20_000,
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

function flow(passwordAnswer?: FlowPage['answer']): string {
  const pages: FlowPage[] = [
    { html: (view) => usernamePage(t, view) },
    {
      html: (view) => passwordPage(t, view, 'revealed', WRONG),
      check: (form) => (form.get('secret') === PASSWORD ? undefined : WRONG),
      answer: passwordAnswer,
    },
    { html: (view) => codePage(t, view, true), check: (form) => (postedCode(form) === CODE ? undefined : 'Falsch.') },
    { html: (view) => staySignedInPage(t, view) },
    { html: (view) => consentPage(t, view) },
  ];
  return installFlow(site, pages, `${site.origin}/callback`);
}

describe('the reading in Chromium and in the fast driver', () => {
  const view = { action: '/page' };
  const fixtures: Record<string, string> = {
    'hidden and shown fields': doc(
      'Sign in',
      `<form method="post" action="/page"><input name="t1" autocomplete="username" class="gone">
<div hidden><input name="t2" type="password"></div><div class="faded"><input name="t4" autocomplete="username"></div>
<div aria-hidden="true"><p>not read</p></div><label>E-mail <input name="u"></label><input type="password" name="p">
${refusalSlot('live', 'Try again')}${refusalSlot('revealed', undefined, 'hidden hint')}
<button name="act" value="cancel">Cancel</button><button name="act" value="go">Go</button></form>`,
    ),
    'username by label': usernamePage(LANGUAGES.fr, view),
    'password with a refusal': passwordPage(LANGUAGES.es, { ...view, refusal: 'Contraseña incorrecta.' }, 'text'),
    'six code inputs': codePage(t, view, true),
    'stay signed in': staySignedInPage(LANGUAGES.nl, view),
    consent: consentPage(LANGUAGES.en, view),
  };

  it.each(Object.keys(fixtures))('reads "%s" alike, and fills and submits the same elements', async (name) => {
    const spec = readingSpec(readingPlan('auto'));
    const readings: DomReading[] = [];
    const posted: [string, string][][] = [];
    for (const driver of [httpPageDriver(), chromiumPageDriver()]) {
      const fixture = await openFixture(site, fixtures[name] as string, driver, spec);
      try {
        readings.push({ ...fixture.reading, complete: true });
        // Refs name no element in the reading itself: what reaches the server shows which ones were used.
        posted.push([...((await fixture.submit())?.form ?? [])]);
      } finally {
        await fixture.page.close();
      }
    }
    expect(readings[1]).toEqual(readings[0]);
    expect(readings[0]?.page).not.toBeNull();
    expect(posted[1]).toEqual(posted[0]);
  });
});

describe('logging in by meaning in Chromium', () => {
  it('walks username, password, six code inputs, "stay signed in?" and consent; never calls the redirect URI', async () => {
    const events: string[] = [];
    site.onRequest = (request) => void events.push(`${request.method} ${request.path}`);
    const success = await loginAndAuthorize(
      options(flow(), { hooks: { beforeSubmit: (step) => Promise.resolve(void events.push(`before ${step}`)) } }),
    );
    expect(success).toMatchObject({ code: AUTHORIZATION_CODE, state: 's-1' });
    expect(success.steps).toEqual(['username', 'password', 'totp', 'consent']);
    expect(events.filter((event) => event.startsWith('before') || event.startsWith('POST'))).toEqual([
      'before username',
      'POST /step/0',
      'before password',
      'POST /step/1',
      'before totp',
      'POST /step/2',
      'POST /step/3',
      'POST /step/4',
    ]);
    expect(
      site
        .posts()
        .find((post) => post.path === '/step/3')
        ?.form.get('stay'),
    ).toBe('no');
    expect(
      site
        .posts()
        .find((post) => post.path === '/step/4')
        ?.form.get('decision'),
    ).toBe('grant');
    expect(events).not.toContain('GET /callback');
  });

  it('reads a refusal that only became visible, once, with a blanked screenshot and no secret', async () => {
    const error = await failureOf(
      loginAndAuthorize(
        options(flow(), {
          credentials: { username: USERNAME, password: 'Falsch-1', totpSecret: TOTP_SECRET },
          screenshotDir,
        }),
      ),
    );
    expect(error.toFailure()).toMatchObject({
      step: 'password',
      reason: 'credentials-rejected',
      pageError: WRONG,
      unconfirmedSubmit: 'password',
    });
    expect(JSON.stringify({ message: error.message, ...error.toFailure() })).not.toMatch(/Falsch-1|jan@example/);
    expect((await readFile(error.screenshotPath ?? '')).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(site.posts().filter((post) => post.path === '/step/1')).toHaveLength(1);
  });

  it('types nothing on a page of an origin not listed', async () => {
    other = await startFixtureSite();
    installFlow(other, [{ html: (view) => usernamePage(t, view) }], `${site.origin}/callback`);
    site.route({ '/authorize': () => ({ status: 302, location: `${other?.origin}/step/0` }) });
    const error = await failureOf(loginAndAuthorize(options(`${site.origin}/authorize?state=s-1`)));
    expect(error.toFailure()).toMatchObject({ reason: 'origin-refused', pageError: `${other.origin}/step/0` });
    expect(other.posts()).toEqual([]);
  });

  it('names the password unconfirmed after a server error that followed it', async () => {
    const error = await failureOf(
      loginAndAuthorize(options(flow(() => ({ status: 503, html: doc('Unavailable', '<p>Later.</p>') })))),
    );
    expect(error.toFailure()).toMatchObject({
      step: 'password',
      reason: 'unexpected-page',
      retryable: true,
      unconfirmedSubmit: 'password',
    });
    expect(error.message).toContain('HTTP 503');
  });
});
