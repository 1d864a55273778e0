/**
 * What the login tells its caller so the caller can keep the lockout invariant, through the fast page driver
 * against a local site: hooks in the order things happen on the server; a refused hook means nothing is
 * submitted; every failure after a submit names the step left unconfirmed; and credentials go only to pages
 * of the allowed origins.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LoginFailedError,
  loginAndAuthorize,
  totpCodeAt,
  type CredentialStep,
  type LoginOptions,
} from '../../src/browser';
import { startFixtureSite, type FixtureSite, type Reply } from './support/fixture-site';
import {
  codePage,
  consentPage,
  doc,
  LANGUAGES,
  passwordPage,
  staySignedInPage,
  usernamePage,
} from './support/fixture-pages';
import { installFlow, type FlowPage } from './support/login-flow';
import { httpPageDriver } from '../support/http-page-driver';

const USERNAME = 'jan@example.nl';
const PASSWORD = 'Sterk-Wachtwoord-7';
const TOTP_SECRET = 'KRUGS4ZANFZSAYLO';
const NOW_MS = Date.UTC(2026, 0, 15, 10, 0, 5);
const t = LANGUAGES.en;

let site: FixtureSite;
let other: FixtureSite | undefined;
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

/** Username, password, code, consent; `after` answers the post of one step its own way. */
function flow(after?: { step: CredentialStep; reply: Reply }): string {
  const special = (step: CredentialStep) => (after?.step === step ? () => after.reply : undefined);
  const pages: FlowPage[] = [
    { html: (view) => usernamePage(t, view), answer: special('username') },
    { html: (view) => passwordPage(t, view), answer: special('password') },
    { html: (view) => codePage(t, view), answer: special('totp') },
    { html: (view) => consentPage(t, view) },
  ];
  return installFlow(site, pages, `${site.origin}/callback`);
}

const posted = () => site.posts().map((request) => request.path);

describe('hooks', () => {
  it('calls beforeSubmit before the post reaches the server, and confirmed only once the next page came', async () => {
    const events: string[] = [];
    const record = (label: string) => events.push(label);
    // Every request as the server sees it, in the same list as the hooks.
    site.onRequest = (request) => record(`${request.method} ${request.path}`);
    const authorizationUrl = flow();
    const dates: [number, number][] = [];
    const success = await loginAndAuthorize(
      options(authorizationUrl, {
        hooks: {
          beforeSubmit: async (step) => {
            await Promise.resolve();
            record(`before ${step}`);
          },
          confirmed: (step) => void record(`confirmed ${step}`),
          stepPassed: (step) => record(`passed ${step}`),
          serverDate: (serverMs, localMs) => void dates.push([serverMs, localMs]),
        },
      }),
    );
    expect(success.steps).toEqual(['username', 'password', 'totp', 'consent']);
    expect(events.filter((event) => !event.startsWith('GET /authorize'))).toEqual([
      'GET /step/0',
      'before username',
      'POST /step/0',
      'GET /step/1',
      'confirmed username',
      'passed username',
      'before password',
      'POST /step/1',
      'GET /step/2',
      'confirmed password',
      'passed password',
      'before totp',
      'POST /step/2',
      'GET /step/3',
      'confirmed totp',
      'passed totp',
      'POST /step/3',
      'passed consent',
    ]);
    // Node's server dates every answer: nine documents (redirects included) up to the redirect URI.
    expect(dates).toHaveLength(9);
    for (const [serverMs, localMs] of dates) {
      expect(localMs).toBe(NOW_MS);
      expect(Math.abs(serverMs - Date.now())).toBeLessThan(10_000);
    }
  });

  it('submits nothing when beforeSubmit throws: not-submitted, retryable, with the hook’s reason', async () => {
    const error = await failureOf(
      loginAndAuthorize(
        options(flow(), {
          hooks: {
            beforeSubmit: (step) =>
              step === 'password' ? Promise.reject(new Error('the store is down')) : Promise.resolve(),
          },
        }),
      ),
    );
    expect(error.toFailure()).toMatchObject({ step: 'password', reason: 'not-submitted', retryable: true });
    expect(error.unconfirmedSubmit).toBeUndefined();
    expect(error.message).toContain('the store is down');
    expect(posted()).toEqual(['/step/0']);
  });

  it('goes on when confirmed or stepPassed throw (the caller’s mark simply stays)', async () => {
    const success = await loginAndAuthorize(
      options(flow(), {
        hooks: {
          confirmed: () => Promise.reject(new Error('cannot clear')),
          stepPassed: () => {
            throw new Error('listener broke');
          },
        },
      }),
    );
    expect(success.steps).toEqual(['username', 'password', 'totp', 'consent']);
  });
});

describe('unconfirmedSubmit', () => {
  const unknownPage = doc('Something else', '<p>Nothing to see here.</p>');

  it.each([
    ['a server error', { status: 503, html: doc('Service unavailable', '<p>Try later.</p>') }, 'unexpected-page', true],
    ['an unknown page', { html: unknownPage }, 'unexpected-page', false],
    ['silence until the deadline', { hang: true }, 'timeout', true],
  ] as const)('names the password step after %s following its submit', async (_what, reply, reason, retryable) => {
    // Silence ends at the deadline: a short one; the others answer, and an unknown page gets 1.5 s to render.
    const timeoutMs = 'hang' in reply ? 3000 : 10_000;
    const error = await failureOf(loginAndAuthorize(options(flow({ step: 'password', reply }), { timeoutMs })));
    expect(error.toFailure()).toMatchObject({ step: 'password', reason, retryable, unconfirmedSubmit: 'password' });
    expect(error.message).toContain('The password step was submitted and no next page confirmed it.');
    expect(site.posts().filter((request) => request.path === '/step/1')).toHaveLength(1);
  });

  it('names the totp step after a server error following the code, with its TOTP step', async () => {
    const error = await failureOf(loginAndAuthorize(options(flow({ step: 'totp', reply: { status: 500, html: '' } }))));
    expect(error.toFailure()).toMatchObject({
      step: 'totp',
      unconfirmedSubmit: 'totp',
      totpStep: Math.floor(NOW_MS / 30_000),
    });
    expect(error.message).toContain('HTTP 500');
    expect(error.message).not.toContain(totpCodeAt(TOTP_SECRET, NOW_MS));
  });

  it('keeps the code unconfirmed across a "stay signed in?" question: it neither confirms nor refutes', async () => {
    const confirmed: string[] = [];
    const authorizationUrl = installFlow(
      site,
      [
        { html: (view) => passwordPage(t, view) },
        { html: (view) => codePage(t, view) },
        { html: (view) => staySignedInPage(t, view), answer: () => ({ html: doc('Oops', '<p>Something odd.</p>') }) },
      ],
      `${site.origin}/callback`,
    );
    const error = await failureOf(
      loginAndAuthorize(options(authorizationUrl, { hooks: { confirmed: (step) => void confirmed.push(step) } })),
    );
    expect(error.toFailure()).toMatchObject({ step: 'totp', reason: 'unexpected-page', unconfirmedSubmit: 'totp' });
    expect(error.pageError).toBe('Oops - Something odd.');
    expect(confirmed).toEqual(['password']);
  });

  it('names nothing when the server fails before any submit: retryable, nothing spent', async () => {
    site.route({ '/authorize': () => ({ status: 502, html: doc('Bad gateway', '<p>Upstream down.</p>') }) });
    const error = await failureOf(loginAndAuthorize(options(`${site.origin}/authorize?state=s-1`)));
    expect(error.toFailure()).toMatchObject({ step: 'open', reason: 'unexpected-page', retryable: true });
    expect(error.unconfirmedSubmit).toBeUndefined();
    expect(site.posts()).toEqual([]);
  });
});

describe('allowed origins', () => {
  it('types nothing on a page of an origin not listed, and names the page without its query', async () => {
    other = await startFixtureSite();
    installFlow(other, [{ html: (view) => usernamePage(t, view) }], `${site.origin}/callback`);
    site.route({ '/authorize': () => ({ status: 302, location: `${other?.origin}/step/0?login_hint=${USERNAME}` }) });
    const error = await failureOf(loginAndAuthorize(options(`${site.origin}/authorize?state=s-1`)));
    expect(error.toFailure()).toMatchObject({
      step: 'username',
      reason: 'origin-refused',
      retryable: false,
      pageError: `${other.origin}/step/0`,
    });
    expect(error.unconfirmedSubmit).toBeUndefined();
    expect(other.posts()).toEqual([]);
  });

  it('does not allow the authorization URL’s own origin unless it is listed', async () => {
    const error = await failureOf(loginAndAuthorize(options(flow(), { allowedOrigins: ['https://login.exact.com'] })));
    expect(error.reason).toBe('origin-refused');
    expect(site.posts()).toEqual([]);
  });

  it('stops at the password on another origin after a username the allowed one took', async () => {
    other = await startFixtureSite();
    installFlow(other, [{ html: (view) => passwordPage(t, view) }], `${site.origin}/callback`);
    const authorizationUrl = installFlow(
      site,
      [{ html: (view) => usernamePage(t, view), answer: () => ({ location: `${other?.origin}/step/0` }) }],
      `${site.origin}/callback`,
    );
    const error = await failureOf(loginAndAuthorize(options(authorizationUrl)));
    expect(error.toFailure()).toMatchObject({ step: 'password', reason: 'origin-refused' });
    // The username was confirmed by reaching a password page; the password went nowhere.
    expect(error.unconfirmedSubmit).toBeUndefined();
    expect(site.posts().map((request) => request.path)).toEqual(['/step/0']);
    expect(other.posts()).toEqual([]);
  });
});
