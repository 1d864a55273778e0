/**
 * The login pages over HTTP, as a browser without script would use them: forms posted back, redirects
 * followed by hand. The pages run behind a bare node:http server with a small in-test LoginState, so these
 * tests pin the pages' own behaviour (the real state is exercised by login-browser.test.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuardrails, generateSync } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXACT_RULES, TOTP_STEP_S } from '../../src/exact/rules';
import {
  handleLoginRoute,
  LOGIN_MESSAGES,
  LOGIN_PATHS,
  PASSWORD_FAILURES_BEFORE_LOCK,
  SESSION_COOKIE,
  TRANSACTION_LIFETIME_IN_CODE_TTLS,
} from '../../src/simulator/login';
import type { Clock, LoginState, SimApp, SimUser } from '../../src/simulator/types';

// A 16-character base32 secret is 10 bytes, below otplib 13's default minimum; Exact's secrets look like this.
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });
const REDIRECT_URI = 'http://127.0.0.1:18871/callback';
const APP: SimApp = {
  clientId: '{8c1f5e2a-0000-4000-8000-00000000c0de}',
  clientSecret: 'unused',
  redirectUri: REDIRECT_URI,
};
const USER: SimUser = {
  id: 'b4d1c6e0-1111-4222-8333-444455556666',
  username: 'anna@example.com',
  password: 'Correct-Horse-42',
  totpSecret: 'JBSWY3DPEHPK3PXP',
  fullName: 'Anna Example',
  division: 797636,
};

class TestClock implements Clock {
  constructor(public ms: number) {}
  nowMs(): number {
    return this.ms;
  }
}

function totpAt(clock: Clock, secret = USER.totpSecret): string {
  return generateSync({ secret, epoch: Math.floor(clock.nowMs() / 1000), guardrails });
}

/** A LoginState with one app and one user that remembers what the pages asked of it. */
class FakeLoginState implements LoginState {
  readonly clock = new TestClock(Date.UTC(2025, 0, 6, 9, 0, 5));
  readonly rules = EXACT_RULES;
  readonly logins: { userId: string | undefined; step: 'password' | 'totp'; ok: boolean }[] = [];
  readonly codes: { code: string; clientId: string; redirectUri: string; userId: string }[] = [];
  private readonly apps: SimApp[] = [APP];
  private lastAcceptedStep: number | undefined;

  constructor(readonly loginVariant: 'legacy' | 'b2c' = 'legacy') {}

  nowMs(): number {
    return this.clock.nowMs();
  }

  addApp(app: SimApp): void {
    this.apps.push(app);
  }
  findApp(clientId: string): SimApp | undefined {
    return this.apps.find((app) => app.clientId === clientId);
  }
  findUserByName(username: string): SimUser | undefined {
    return username.toLowerCase() === USER.username ? USER : undefined;
  }
  verifyTotp(userId: string, code: string): 'ok' | 'wrong' | 'reused' {
    if (userId !== USER.id) return 'wrong';
    const step = Math.floor(this.clock.nowMs() / 1000 / TOTP_STEP_S);
    if (totpAt(this.clock) !== code) return 'wrong';
    if (this.lastAcceptedStep === step) return 'reused';
    this.lastAcceptedStep = step;
    return 'ok';
  }
  recordLogin(userId: string | undefined, step: 'password' | 'totp', ok: boolean): void {
    this.logins.push({ userId, step, ok });
  }
  issueAuthorizationCode(input: { clientId: string; redirectUri: string; userId: string }): string {
    // Real codes contain characters that must be URL-encoded in the redirect.
    const code = `eyJhbGciOi.${this.codes.length}!code+/=`;
    this.codes.push({ code, ...input });
    return code;
  }
}

let state: FakeLoginState;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    handleLoginRoute(state, req, res, url).then(
      (handled) => {
        if (!handled) res.writeHead(404).end('not a login path');
      },
      (error: unknown) => {
        res.writeHead(500).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  state = new FakeLoginState();
});

interface Page {
  status: number;
  location: string | null;
  setCookie: string | null;
  body: string;
}

async function get(pathOrUrl: string, cookie?: string): Promise<Page> {
  const res = await fetch(new URL(pathOrUrl, baseUrl), {
    redirect: 'manual',
    headers: cookie === undefined ? {} : { cookie },
  });
  return {
    status: res.status,
    location: res.headers.get('location'),
    setCookie: res.headers.get('set-cookie'),
    body: await res.text(),
  };
}

async function post(pathOrUrl: string, fields: Record<string, string>): Promise<Page> {
  const res = await fetch(new URL(pathOrUrl, baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: res.status,
    location: res.headers.get('location'),
    setCookie: res.headers.get('set-cookie'),
    body: await res.text(),
  };
}

function authorizeUrl(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: APP.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    state: 'xyz',
    force_login: '0',
    ...params,
  });
  return `${LOGIN_PATHS.authorize}?${query.toString()}`;
}

/** The `action` of the page's (only) form, unescaped. */
function formAction(html: string): string {
  const match = /<form[^>]*\saction="([^"]*)"/.exec(html);
  if (!match?.[1]) throw new Error(`no form in page:\n${html}`);
  return match[1].replaceAll('&amp;', '&');
}

/** The text inside the element with this id. */
function textOf(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

/** Starts a login and returns the first login page's path. */
async function begin(params: Record<string, string> = {}): Promise<string> {
  const start = await get(authorizeUrl(params));
  expect(start.status).toBe(302);
  return start.location ?? '';
}

/** Username and password on the legacy page; returns the TOTP page's path. */
async function legacyPassword(loginPath: string, password = USER.password): Promise<Page> {
  const step1 = await post(loginPath, { LoginForm$UserName: USER.username });
  return post(formAction(step1.body), { LoginForm$UserName: USER.username, LoginForm$Password: password });
}

/** Legacy login up to the consent page; returns its path and the session cookie. */
async function legacyToConsent(params: Record<string, string> = {}): Promise<{ consentPath: string; cookie: string }> {
  const totpPage = await legacyPassword(await begin(params));
  const done = await post(totpPage.location ?? '', { LoginForm$Input$Key: totpAt(state.clock) });
  expect(done.status).toBe(303);
  return { consentPath: done.location ?? '', cookie: (done.setCookie ?? '').split(';')[0] ?? '' };
}

describe('authorization request', () => {
  it('answers an unknown client_id with a 400 page naming it, without redirecting', async () => {
    const page = await get(authorizeUrl({ client_id: '{00000000-dead-beef-0000-000000000000}' }));
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.body).toContain('No app is registered with client_id');
    expect(page.body).toContain('{00000000-dead-beef-0000-000000000000}');
  });

  it('refuses a redirect_uri that differs from the registered one by a single character', async () => {
    const page = await get(authorizeUrl({ redirect_uri: `${REDIRECT_URI}/` }));
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.body).toContain('does not exactly match the redirect URI registered');
  });

  it('refuses response_type other than code, even with a verified redirect_uri', async () => {
    const page = await get(authorizeUrl({ response_type: 'token' }));
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.body).toContain('Use response_type=code');
  });

  it('says what is missing when client_id or redirect_uri is absent, and refuses force_login other than 0/1', async () => {
    const noClient = await get(`${LOGIN_PATHS.authorize}?redirect_uri=${encodeURIComponent(REDIRECT_URI)}`);
    expect(noClient.status).toBe(400);
    expect(noClient.body).toContain('The request has no client_id');
    const noRedirect = await get(`${LOGIN_PATHS.authorize}?client_id=${encodeURIComponent(APP.clientId)}`);
    expect(noRedirect.status).toBe(400);
    expect(noRedirect.body).toContain('The request has no redirect_uri');
    const badForce = await get(authorizeUrl({ force_login: 'yes' }));
    expect(badForce.status).toBe(400);
    expect(badForce.body).toContain('force_login must be 0 or 1');
  });

  it('redirects a valid request to the legacy login page with an opaque transaction id', async () => {
    const location = await begin();
    expect(location).toMatch(/^\/docs\/Login\.aspx\?tx=[A-Za-z0-9_-]{20,}$/);
  });

  it('leaves paths that are not login pages to the rest of the server', async () => {
    expect((await post('/api/oauth2/token', { grant_type: 'refresh_token' })).status).toBe(404);
    expect((await get('/api/v1/current/Me')).status).toBe(404);
  });
});

describe('legacy login', () => {
  it('walks username, password, TOTP and consent, then redirects with the code and the state', async () => {
    const loginPath = await begin({ state: 'a b&c=d/é' });
    const step1 = await get(loginPath);
    expect(step1.status).toBe(200);
    expect(step1.body).toContain('<html id="LoginPage"');
    expect(step1.body).toContain('id="LoginForm_UserName" name="LoginForm$UserName"');
    expect(step1.body).toContain('id="LoginForm_btnSave"');
    expect(step1.body).not.toContain('id="LoginForm_Password"');

    const step2 = await post(formAction(step1.body), { LoginForm$UserName: USER.username });
    expect(step2.status).toBe(200);
    expect(step2.body).toContain('id="LoginForm_Password" name="LoginForm$Password"');
    expect(textOf(step2.body, 'LoginForm_UserNameDisplay')).toBe(USER.username);

    const afterPassword = await post(formAction(step2.body), { LoginForm$Password: USER.password });
    expect(afterPassword.status).toBe(303);
    expect(afterPassword.location).toMatch(/^\/docs\/TotpLogin\.aspx\?tx=/);

    const totpPage = await get(afterPassword.location ?? '');
    expect(totpPage.body).toContain('id="LoginForm_Input_Key"');
    expect(totpPage.body).toContain('id="LoginForm_RememberDevice"');
    expect(totpPage.body).toContain('id="LoginForm_Input_ErrorMessages"');
    expect(totpPage.body).toContain('id="LoginForm_btnSave"');

    const afterTotp = await post(formAction(totpPage.body), { LoginForm$Input$Key: totpAt(state.clock) });
    expect(afterTotp.status).toBe(303);
    expect(afterTotp.location).toMatch(/^\/docs\/OAuthConsent\.aspx\?tx=/);

    const consent = await get(afterTotp.location ?? '');
    expect(textOf(consent.body, 'ConsentClientId')).toBe(APP.clientId);
    expect(consent.body).toMatch(/id="AllowButton"[^>]*>Toestaan</);
    expect(consent.body).toContain('id="DenyButton"');

    const answer = await post(formAction(consent.body), { decision: 'allow' });
    expect(answer.status).toBe(302);
    const target = new URL(answer.location ?? '');
    expect(`${target.origin}${target.pathname}`).toBe(REDIRECT_URI);
    expect(target.searchParams.get('state')).toBe('a b&c=d/é');
    expect(state.codes).toHaveLength(1);
    expect(target.searchParams.get('code')).toBe(state.codes[0]?.code);
    expect(answer.location).not.toContain(state.codes[0]?.code ?? 'unreachable'); // URL-encoded, not raw
    expect(state.codes[0]).toMatchObject({ clientId: APP.clientId, redirectUri: REDIRECT_URI, userId: USER.id });
    expect(state.logins).toEqual([
      { userId: USER.id, step: 'password', ok: true },
      { userId: USER.id, step: 'totp', ok: true },
    ]);
  });

  it('omits state from the redirect when the client sent none', async () => {
    const query = new URLSearchParams({ client_id: APP.clientId, redirect_uri: REDIRECT_URI, response_type: 'code' });
    const start = await get(`${LOGIN_PATHS.authorize}?${query.toString()}`);
    const totpPage = await legacyPassword(start.location ?? '');
    const done = await post(totpPage.location ?? '', { LoginForm$Input$Key: totpAt(state.clock) });
    const answer = await post(done.location ?? '', { decision: 'allow' });
    expect(new URL(answer.location ?? '').searchParams.has('state')).toBe(false);
  });

  it('shows "The username or password is incorrect." for a wrong password and never echoes it', async () => {
    const page = await legacyPassword(await begin(), 'Wrong-Secret-99');
    expect(page.status).toBe(200);
    expect(textOf(page.body, 'LoginForm_ErrorMessages')).toBe(LOGIN_MESSAGES.wrongCredentials);
    expect(page.body).not.toContain('Wrong-Secret-99');
    expect(page.body).toContain('id="LoginForm_Password"');
    expect(state.logins).toEqual([{ userId: USER.id, step: 'password', ok: false }]);
  });

  it('answers an unknown username exactly like a wrong password', async () => {
    const loginPath = await begin();
    const step1 = await post(loginPath, { LoginForm$UserName: 'nobody@example.com' });
    const page = await post(formAction(step1.body), { LoginForm$Password: USER.password });
    expect(page.status).toBe(200);
    expect(textOf(page.body, 'LoginForm_ErrorMessages')).toBe(LOGIN_MESSAGES.wrongCredentials);
    expect(page.body).not.toContain(USER.password);
    expect(state.logins).toEqual([{ userId: undefined, step: 'password', ok: false }]);
  });

  it('asks for the username again when it was left empty', async () => {
    const page = await post(await begin(), { LoginForm$UserName: '   ' });
    expect(textOf(page.body, 'LoginForm_ErrorMessages')).toBe(LOGIN_MESSAGES.missingUsername);
    expect(page.body).not.toContain('id="LoginForm_Password"');
  });

  it('refuses a wrong TOTP code with "The verification code is incorrect." without echoing it', async () => {
    const totpPage = await legacyPassword(await begin());
    const good = totpAt(state.clock);
    const wrong = good === '000000' ? '111111' : '000000';
    const page = await post(totpPage.location ?? '', { LoginForm$Input$Key: wrong });
    expect(page.status).toBe(200);
    expect(textOf(page.body, 'LoginForm_Input_ErrorMessages')).toBe(LOGIN_MESSAGES.wrongTotp);
    expect(page.body).not.toContain(wrong);
    expect(state.logins.at(-1)).toEqual({ userId: USER.id, step: 'totp', ok: false });
  });

  it('refuses a code that is not six digits without asking the state', async () => {
    const totpPage = await legacyPassword(await begin());
    const page = await post(totpPage.location ?? '', { LoginForm$Input$Key: '12ab' });
    expect(textOf(page.body, 'LoginForm_Input_ErrorMessages')).toBe(LOGIN_MESSAGES.malformedTotp);
  });

  it('refuses a TOTP code replayed in the same time step, telling the user to wait', async () => {
    await legacyToConsent();
    const totpPage = await legacyPassword(await begin());
    const code = totpAt(state.clock);
    const page = await post(totpPage.location ?? '', { LoginForm$Input$Key: code });
    expect(textOf(page.body, 'LoginForm_Input_ErrorMessages')).toBe(LOGIN_MESSAGES.reusedTotp);
    expect(page.body).not.toContain(code);

    state.clock.ms += TOTP_STEP_S * 1000;
    const next = await post(totpPage.location ?? '', { LoginForm$Input$Key: totpAt(state.clock) });
    expect(next.status).toBe(303);
  });

  it('redirects with error=access_denied and the state when the user refuses, issuing no code', async () => {
    const { consentPath } = await legacyToConsent({ state: 'keep-me' });
    const answer = await post(consentPath, { decision: 'deny' });
    expect(answer.status).toBe(302);
    const target = new URL(answer.location ?? '');
    expect(target.searchParams.get('error')).toBe('access_denied');
    expect(target.searchParams.get('state')).toBe('keep-me');
    expect(target.searchParams.has('code')).toBe(false);
    expect(state.codes).toHaveLength(0);
  });

  it('ends the transaction on consent, so a second click cannot mint a second code', async () => {
    const { consentPath } = await legacyToConsent();
    expect((await post(consentPath, { decision: 'allow' })).status).toBe(302);
    const again = await post(consentPath, { decision: 'allow' });
    expect(again.status).toBe(400);
    expect(again.body).toContain('This login has expired');
    expect(state.codes).toHaveLength(1);
  });

  it('sends a browser that skips ahead back to the step it is at', async () => {
    const loginPath = await begin();
    const tx = new URL(loginPath, baseUrl).search;
    const early = await get(`${LOGIN_PATHS.legacyTotp}${tx}`);
    expect(early.status).toBe(303);
    expect(early.location).toBe(loginPath);
    const earlyConsent = await post(`${LOGIN_PATHS.consent}${tx}`, { decision: 'allow' });
    expect(earlyConsent.status).toBe(303);
    expect(state.codes).toHaveLength(0);
  });

  it('forgets a login that was left alone longer than its lifetime', async () => {
    const loginPath = await begin();
    state.clock.ms += EXACT_RULES.authCodeTtlS * TRANSACTION_LIFETIME_IN_CODE_TTLS * 1000;
    const page = await get(loginPath);
    expect(page.status).toBe(400);
    expect(page.body).toContain('start signing in again');
  });

  it('answers an unknown transaction id with an error page', async () => {
    const page = await get(`${LOGIN_PATHS.legacyLogin}?tx=not-a-real-id`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('This login has expired');
  });
});

describe('lockout', () => {
  it(`locks the account after ${PASSWORD_FAILURES_BEFORE_LOCK} wrong passwords within the hour, even for the right one`, async () => {
    const loginPath = await begin();
    await post(loginPath, { LoginForm$UserName: USER.username });
    const messages: (string | undefined)[] = [];
    for (let i = 0; i < PASSWORD_FAILURES_BEFORE_LOCK; i++) {
      const page = await post(loginPath, { LoginForm$Password: `wrong-${i}` });
      messages.push(textOf(page.body, 'LoginForm_ErrorMessages'));
    }
    expect(messages.slice(0, -1)).toEqual(
      Array(PASSWORD_FAILURES_BEFORE_LOCK - 1).fill(LOGIN_MESSAGES.wrongCredentials),
    );
    expect(messages.at(-1)).toBe(LOGIN_MESSAGES.accountLocked);

    const right = await post(loginPath, { LoginForm$Password: USER.password });
    expect(right.status).toBe(200);
    expect(textOf(right.body, 'LoginForm_ErrorMessages')).toBe(LOGIN_MESSAGES.accountLocked);
    expect(state.logins.at(-1)).toEqual({ userId: USER.id, step: 'password', ok: false });

    state.clock.ms += EXACT_RULES.hourS * 1000;
    const later = await legacyPassword(await begin());
    expect(later.status).toBe(303);
  });

  it('locks unknown usernames the same way, so the lockout reveals no accounts', async () => {
    const loginPath = await begin();
    await post(loginPath, { LoginForm$UserName: 'ghost@example.com' });
    let last: Page | undefined;
    for (let i = 0; i < PASSWORD_FAILURES_BEFORE_LOCK; i++) last = await post(loginPath, { LoginForm$Password: 'x' });
    expect(textOf(last?.body ?? '', 'LoginForm_ErrorMessages')).toBe(LOGIN_MESSAGES.accountLocked);
  });

  it('starts counting afresh after a successful login', async () => {
    for (let i = 0; i < PASSWORD_FAILURES_BEFORE_LOCK - 1; i++) await legacyPassword(await begin(), 'wrong');
    expect((await legacyPassword(await begin())).status).toBe(303);
    const afterSuccess = await legacyPassword(await begin(), 'wrong');
    expect(textOf(afterSuccess.body, 'LoginForm_ErrorMessages')).toBe(LOGIN_MESSAGES.wrongCredentials);
  });
});

describe('B2C login', () => {
  beforeEach(() => {
    state = new FakeLoginState('b2c');
  });

  it('asks username and password together, then the TOTP code, then consent', async () => {
    const signInPath = await begin({ state: 'b2c-state' });
    expect(signInPath).toMatch(/^\/b2c\/signin\?tx=/);
    const signIn = await get(signInPath);
    expect(signIn.body).toContain('id="signInName"');
    expect(signIn.body).toContain('id="password"');
    expect(signIn.body).toMatch(/<button[^>]*id="next"/);
    expect(signIn.body).toContain('class="error pageLevel" aria-hidden="true" style="display: none;"');

    const totpRedirect = await post(formAction(signIn.body), { signInName: USER.username, password: USER.password });
    expect(totpRedirect.status).toBe(303);
    expect(totpRedirect.location).toMatch(/^\/b2c\/totp\?tx=/);
    const totpPage = await get(totpRedirect.location ?? '');
    expect(totpPage.body).toContain('id="totpVerificationCode"');
    expect(totpPage.body).toMatch(/<button[^>]*id="next"/);

    const done = await post(formAction(totpPage.body), { totpVerificationCode: totpAt(state.clock) });
    expect(done.location).toMatch(/^\/docs\/OAuthConsent\.aspx\?tx=/);
    const answer = await post(done.location ?? '', { decision: 'allow' });
    const target = new URL(answer.location ?? '');
    expect(target.searchParams.get('code')).toBe(state.codes[0]?.code);
    expect(target.searchParams.get('state')).toBe('b2c-state');
  });

  it('shows a wrong password or TOTP code in the visible page-level error area', async () => {
    const signInPath = await begin();
    const wrong = await post(signInPath, { signInName: USER.username, password: 'Nope-Nope-1' });
    expect(wrong.body).toMatch(
      /class="error pageLevel" aria-hidden="false" role="alert">The username or password is incorrect\.</,
    );
    expect(wrong.body).not.toContain('Nope-Nope-1');

    const totpRedirect = await post(signInPath, { signInName: USER.username, password: USER.password });
    const good = totpAt(state.clock);
    const badCode = good === '000000' ? '111111' : '000000';
    const badTotp = await post(totpRedirect.location ?? '', { totpVerificationCode: badCode });
    expect(badTotp.body).toContain(`role="alert">${LOGIN_MESSAGES.wrongTotp}<`);
    expect(badTotp.body).not.toContain(badCode);
  });

  it('does not serve a B2C login on the legacy page', async () => {
    const signInPath = await begin();
    const tx = new URL(signInPath, baseUrl).search;
    const legacy = await get(`${LOGIN_PATHS.legacyLogin}${tx}`);
    expect(legacy.status).toBe(303);
    expect(legacy.location).toBe(signInPath);
  });
});

describe('sessions', () => {
  it('skips to consent for a logged-in browser with force_login=0 and asks again with force_login=1', async () => {
    const { consentPath, cookie } = await legacyToConsent();
    await post(consentPath, { decision: 'allow' });
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));

    const again = await get(authorizeUrl({ force_login: '0' }), cookie);
    expect(again.location).toMatch(/^\/docs\/OAuthConsent\.aspx\?tx=/);
    const forced = await get(authorizeUrl({ force_login: '1' }), cookie);
    expect(forced.location).toMatch(/^\/docs\/Login\.aspx\?tx=/);

    state.clock.ms += EXACT_RULES.hourS * 1000;
    const expired = await get(authorizeUrl({ force_login: '0' }), cookie);
    expect(expired.location).toMatch(/^\/docs\/Login\.aspx\?tx=/);
  });
});

describe('escaping', () => {
  it('escapes a hostile client_id on the error page', async () => {
    const page = await get(authorizeUrl({ client_id: '<script>alert(1)</script>' }));
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes a typed username and a registered client id where they are shown', async () => {
    const hostile = '"><img src=x onerror=alert(1)>';
    state.addApp({ clientId: `{a&b}<i>`, clientSecret: 'unused', redirectUri: REDIRECT_URI });
    const loginPath = await begin({ client_id: '{a&b}<i>' });
    const step2 = await post(loginPath, { LoginForm$UserName: hostile });
    expect(step2.body).not.toContain('<img src=x');
    expect(step2.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    // Right credentials: reach consent for the hostile client id.
    const totpPage = await post(loginPath, { LoginForm$UserName: USER.username, LoginForm$Password: USER.password });
    const done = await post(totpPage.location ?? '', { LoginForm$Input$Key: totpAt(state.clock) });
    const consent = await get(done.location ?? '');
    expect(consent.body).toContain('{a&amp;b}&lt;i&gt;');
    expect(consent.body).not.toContain('<i>');
  });

  it('never writes the state parameter into a page', async () => {
    const loginPath = await begin({ state: '"><script>x</script>' });
    const page = await get(loginPath);
    expect(page.body).not.toContain('script>x');
  });
});
