/**
 * The browser login's rules that need no browser: profiles by name, what a page error becomes, redaction of
 * credentials, the redirect answer, the checks on the options, and what src/browser may import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  b2c,
  checkLoginOptions,
  isRedirectAnswer,
  legacyExact,
  LoginFailedError,
  LoginInputError,
  profileByName,
  readingPlan,
  readRedirectAnswer,
  type LoginOptions,
} from '../../src/browser';
import { isRetryable, looksLocked, reasonForRefusedStep, withoutCredentials } from '../../src/browser/page-failures';
import { LOGIN_MESSAGES } from '../../src/simulator/login';
import { httpPageDriver } from '../support/http-page-driver';

const REDIRECT_URI = 'http://127.0.0.1:18871/exact/callback';

function options(overrides: Partial<LoginOptions> = {}): LoginOptions {
  return {
    authorizationUrl: 'http://127.0.0.1:1/api/oauth2/auth?client_id=x&state=s',
    redirectUri: REDIRECT_URI,
    credentials: { username: 'jan@example.nl', password: 'Geheim-Wachtwoord-9', totpSecret: 'KRUGS4ZANFZSAYLO' },
    allowedOrigins: ['http://127.0.0.1:1'],
    profile: 'legacyExact',
    chromiumPath: process.execPath,
    ...overrides,
  };
}

function inputErrorOf(action: () => unknown): LoginInputError {
  try {
    action();
  } catch (error) {
    if (error instanceof LoginInputError) return error;
    throw error;
  }
  throw new Error('expected a LoginInputError');
}

describe('login profiles', () => {
  it('finds both profiles by name and refuses an unknown one with the known names', () => {
    expect(profileByName('legacyExact')).toBe(legacyExact);
    expect(profileByName('b2c')).toBe(b2c);
    const error = inputErrorOf(() => profileByName('azure'));
    expect(error.field).toBe('profile');
    expect(error.message).toBe('Unknown login profile "azure": use one of auto, legacyExact, b2c.');
  });

  it('reads with every profile and then by meaning under auto, and with a named profile alone', () => {
    expect(readingPlan('auto')).toEqual({ name: 'auto', profiles: [legacyExact, b2c], byMeaning: true });
    expect(readingPlan('b2c')).toEqual({ name: 'b2c', profiles: [b2c], byMeaning: false });
    expect(inputErrorOf(() => readingPlan({ name: 'empty', steps: [] })).field).toBe('profile');
  });

  it('end both profiles with the consent step and submit every credential step with a button', () => {
    for (const profile of [legacyExact, b2c]) {
      expect(profile.steps.at(-1)?.step).toBe('consent');
      expect(profile.steps.flatMap((step) => step.fields.map((field) => field.value)).sort()).toEqual([
        'password',
        'totpCode',
        'username',
      ]);
    }
  });
});

describe('page errors', () => {
  it('reads the error of a password step as refused credentials, or a lock when the page says so', () => {
    expect(reasonForRefusedStep('password', LOGIN_MESSAGES.wrongCredentials)).toBe('credentials-rejected');
    expect(reasonForRefusedStep('password', LOGIN_MESSAGES.accountLocked)).toBe('account-locked');
    expect(reasonForRefusedStep('username', 'Uw account is geblokkeerd.')).toBe('account-locked');
    expect(reasonForRefusedStep('totp', LOGIN_MESSAGES.reusedTotp)).toBe('totp-rejected');
  });

  it.each([
    ['nl', 'Uw account is tijdelijk geblokkeerd.'],
    ['nl', 'Het account is vergrendeld.'],
    ['en', 'You have been locked out.'],
    ['de', 'Ihr Konto wurde gesperrt.'],
    ['fr', 'Votre compte a été verrouillé.'],
    ['fr', 'Compte bloqué.'],
    ['es', 'Su cuenta ha sido bloqueada.'],
  ])('reads a lock in %s: "%s"', (_language, text) => {
    expect(looksLocked(text)).toBe(true);
    expect(reasonForRefusedStep('password', text)).toBe('account-locked');
  });

  it('does not read a lock into an ordinary refusal', () => {
    for (const text of [
      'Het wachtwoord is onjuist.',
      'Passwort falsch.',
      'Mot de passe incorrect.',
      'Unlocking help',
    ]) {
      expect(looksLocked(text)).toBe(false);
    }
  });

  it('retries only what time can fix, and a submit the caller stopped', () => {
    expect(isRetryable('timeout')).toBe(true);
    expect(isRetryable('browser-failed')).toBe(true);
    expect(isRetryable('not-submitted')).toBe(true);
    for (const reason of [
      'credentials-rejected',
      'totp-rejected',
      'account-locked',
      'consent-denied',
      'origin-refused',
    ] as const) {
      expect(isRetryable(reason)).toBe(false);
    }
  });

  it('removes credentials in any case and encoding before cutting the text to 300 characters', () => {
    const text = `No account JAN@example.nl with  password p%40ss!word-1 or p@ss!word-1; ${'x'.repeat(400)}`;
    const cleaned = withoutCredentials(text, ['jan@example.nl', 'p@ss!word-1', '12']);
    expect(cleaned).toMatch(/^No account \[redacted\] with password \[redacted\] or \[redacted\]; x+…$/);
    expect(cleaned).toHaveLength(300);
  });

  it('words the failure as step, advice and the page text, with nothing else', () => {
    const error = new LoginFailedError({
      step: 'password',
      reason: 'credentials-rejected',
      retryable: false,
      pageError: LOGIN_MESSAGES.wrongCredentials,
    });
    expect(error.message).toBe(
      'Login failed at the password step: the site rejected the username or password. Re-enter credentials; ' +
        `they will not be tried again until then. The page says: "${LOGIN_MESSAGES.wrongCredentials}"`,
    );
  });

  it('says which step was left unconfirmed, and gives an origin refusal the address, not "the page says"', () => {
    const timeout = new LoginFailedError({
      step: 'password',
      reason: 'timeout',
      retryable: true,
      unconfirmedSubmit: 'password',
    });
    expect(timeout.message).toContain('The password step was submitted and no next page confirmed it.');
    expect(timeout.toFailure().unconfirmedSubmit).toBe('password');
    const refused = new LoginFailedError(
      { step: 'username', reason: 'origin-refused', retryable: false, pageError: 'https://evil.example/login' },
      'the page is at https://evil.example/login',
    );
    expect(refused.message).toBe(
      'Login failed at the username step (the page is at https://evil.example/login): the login page is on a host ' +
        "that may not receive credentials, so nothing was typed. Check the authorization URL and the worker's " +
        'login hosts.',
    );
  });
});

describe('redirect answer', () => {
  it('recognises the redirect URI with a code or an error, and nothing else', () => {
    expect(isRedirectAnswer(`${REDIRECT_URI}?code=abc&state=s`, REDIRECT_URI)).toBe(true);
    expect(isRedirectAnswer(`${REDIRECT_URI}?error=access_denied`, REDIRECT_URI)).toBe(true);
    expect(isRedirectAnswer(REDIRECT_URI, REDIRECT_URI)).toBe(false);
    expect(isRedirectAnswer('http://127.0.0.1:18871/exact/other?code=abc', REDIRECT_URI)).toBe(false);
  });

  it('reads the code and state, or the error', () => {
    expect(readRedirectAnswer(`${REDIRECT_URI}?code=a%21b&state=s%2F1`)).toEqual({
      kind: 'code',
      code: 'a!b',
      state: 's/1',
    });
    expect(readRedirectAnswer(`${REDIRECT_URI}?error=access_denied&state=s`)).toEqual({
      kind: 'error',
      error: 'access_denied',
      description: undefined,
      state: 's',
    });
  });
});

describe('login options', () => {
  it('applies the defaults', () => {
    const checked = checkLoginOptions(options());
    expect(checked.plan.profiles).toEqual([legacyExact]);
    expect(checkLoginOptions(options({ profile: undefined })).plan.name).toBe('auto');
    expect(checked.driver.name).toBe('chromium');
    expect(checked.timeoutMs).toBe(60_000);
    expect(checked.lastUsedTotpStep).toBeUndefined();
    expect(checked.screenshotDir).toBeUndefined();
  });

  it.each([
    ['authorizationUrl', { authorizationUrl: 'start.exactonline.nl/api/oauth2/auth' }, /not an absolute URL/],
    ['redirectUri', { redirectUri: 'ftp://127.0.0.1/cb' }, /must start with https:\/\//],
    ['profile', { profile: 'legacy' }, /Unknown login profile/],
    ['timeoutMs', { timeoutMs: 10 }, /at least 1000/],
    ['lastUsedTotpStep', { lastUsedTotpStep: -3 }, /TOTP step number/],
    ['chromiumPath', { chromiumPath: '/nonexistent/chromium' }, /set CHROMIUM_PATH/],
  ] as const)('refuses a bad %s before starting a browser', (field, override, problem) => {
    const error = inputErrorOf(() => checkLoginOptions(options(override)));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
  });

  it('spells allowed origins as URL.origin does, and needs no Chromium when a driver is given', () => {
    const checked = checkLoginOptions(
      options({
        allowedOrigins: ['HTTPS://Login.Exact.com/', 'http://127.0.0.1:8870'],
        driver: httpPageDriver(),
        chromiumPath: '/nonexistent/chromium',
      }),
    );
    expect(checked.allowedOrigins).toEqual(['https://login.exact.com', 'http://127.0.0.1:8870']);
    expect(checked.driver.name).toBe('http');
  });

  it.each([
    ['missing', undefined],
    ['empty', []],
    ['with a path', ['https://login.exact.com/b2c']],
    ['with a query', ['https://login.exact.com?x=1']],
    ['not http', ['ftp://login.exact.com']],
    ['not a URL', ['login.exact.com']],
  ])('refuses allowedOrigins %s', (_what, allowedOrigins) => {
    const error = inputErrorOf(() =>
      checkLoginOptions(options({ allowedOrigins: allowedOrigins as unknown as readonly string[] })),
    );
    expect(error.field).toBe('allowedOrigins');
    expect(error.message).toMatch(/origins \(scheme:\/\/host\[:port\]\)/);
  });

  it('refuses empty credentials without repeating any credential', () => {
    const base = options().credentials;
    const noPassword = inputErrorOf(() => checkLoginOptions(options({ credentials: { ...base, password: ' ' } })));
    expect(noPassword.field).toBe('password');
    expect(noPassword.message).toBe('The password is empty: re-enter the credentials of this container.');
    const badSecret = inputErrorOf(() =>
      checkLoginOptions(options({ credentials: { ...base, totpSecret: 'not a secret!' } })),
    );
    expect(badSecret.field).toBe('totpSecret');
    expect(badSecret.message).not.toContain(base.password);
  });
});

describe('boundaries', () => {
  it('keeps src/browser free of the simulator, workflows and activities', () => {
    const dir = join(import.meta.dirname, '../../src/browser');
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const imports = [...readFileSync(join(dir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      for (const target of imports) expect(target, file).not.toMatch(/simulator|workflows|activities/);
    }
  });
});
