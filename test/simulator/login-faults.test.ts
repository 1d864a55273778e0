/**
 * Faults after a login submit: the submit is processed first (counted, accepted or counted towards lockout),
 * then the answer is a 500 page, no answer at all, or a page that is no login page. And lockUser, and the
 * password counters a lockout test relies on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOGIN_MESSAGES, PASSWORD_FAILURES_BEFORE_LOCK } from '../../src/simulator/login';
import type { LoginSiteStyle, SimUser } from '../../src/simulator';
import { Harness } from './harness';
import { inputsOf, LoginClient, nameOf, type Page } from './login-client';

let h: Harness;
let client: LoginClient;
beforeEach(async () => {
  h = await new Harness().start();
  client = new LoginClient(h);
});
afterEach(async () => h.stop());

/** Whatever page asks the password on the current site (after the username step where there is one). */
async function passwordPage(): Promise<Page> {
  const first = await client.follow(await client.get(client.authorizeUrl()));
  if (inputsOf(first.body).some((input) => input.type === 'password')) return first;
  const usernameField = nameOf(first.body, 'autocomplete', 'username');
  return client.follow(await client.submit(first, { [usernameField]: h.user.username }));
}

function passwordFields(page: Page, password: string): Record<string, string> {
  const fields: Record<string, string> = { [nameOf(page.body, 'type', 'password')]: password };
  const username = inputsOf(page.body).find((input) => input.autocomplete === 'username');
  if (username?.name) fields[username.name] = h.user.username;
  return fields;
}

function passwordSubmits(user: SimUser = h.user): boolean[] {
  return h.sim.control
    .counters()
    .logins.filter((l) => l.userId === user.id && l.step === 'password')
    .map((l) => l.ok);
}

/** The login as the server sees it now: the page its transaction is at. */
async function pageNow(page: Page): Promise<Page> {
  return client.follow(await client.get(page.url));
}

describe('after the password', () => {
  it('5xx: the right password is accepted and counted, then a 500 error page without a form', async () => {
    h.sim.control.addLoginFault({ after: 'password', kind: '5xx', count: 1 });
    const page = await passwordPage();
    const answer = await client.submit(page, passwordFields(page, h.user.password));
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.body).not.toContain('<form');
    expect(passwordSubmits()).toEqual([true]);
    // Processed: the login has moved on to the code page.
    expect((await pageNow(page)).url).toMatch(/TotpLogin\.aspx/);
    expect(h.sim.control.counters().faultsInjected.map(({ route, kind }) => [route, kind])).toEqual([
      ['auth', '5xx after password'],
    ]);
  });

  it('unknown-page: a wrong password counts towards lockout, then a 200 maintenance page', async () => {
    h.sim.control.addLoginFault({ after: 'password', kind: 'unknown-page' });
    for (let i = 0; i < PASSWORD_FAILURES_BEFORE_LOCK; i++) {
      const page = await passwordPage();
      const answer = await client.submit(page, passwordFields(page, `wrong-${i}`));
      expect([answer.status, answer.body.includes('Onderhoud / Maintenance'), answer.body.includes('<form')]).toEqual([
        200,
        true,
        false,
      ]);
    }
    h.sim.control.clearLoginFaults();
    const page = await passwordPage();
    const locked = await client.submit(page, passwordFields(page, h.user.password));
    expect(locked.body).toContain(LOGIN_MESSAGES.accountLocked);
    expect(passwordSubmits()).toEqual([...Array<boolean>(PASSWORD_FAILURES_BEFORE_LOCK).fill(false), false]);
  });

  it('hang: no answer, the submit processed; the client gives up and the login has moved on', async () => {
    h.sim.control.addLoginFault({ after: 'password', kind: 'hang', count: 1 });
    const page = await passwordPage();
    const fields = new URLSearchParams(passwordFields(page, h.user.password)).toString();
    const held = fetch(new URL(page.url), {
      method: 'POST',
      body: fields,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
      signal: AbortSignal.timeout(300),
    });
    await expect(held).rejects.toThrow();
    expect(passwordSubmits()).toEqual([true]);
    expect((await pageNow(page)).url).toMatch(/TotpLogin\.aspx/);
  });

  it('fires only for the username it names, case-insensitively', async () => {
    const other = h.sim.control.addUser({ username: 'bob@example.com', password: 'Bob-pw-1' });
    h.sim.control.addLoginFault({ after: 'password', kind: '5xx', username: 'BOB@example.com' });
    const page = await passwordPage();
    expect((await client.submit(page, passwordFields(page, h.user.password))).status).toBe(303);
    expect(passwordSubmits(other)).toEqual([]);
    expect(h.sim.control.listLoginFaults()).toHaveLength(1);
  });
});

describe('after the other steps', () => {
  it('username (hybrid): the username is taken, then 500; the password page is on the B2C host', async () => {
    h.sim.control.setLoginSite({ flow: 'hybrid' });
    h.sim.control.addLoginFault({ after: 'username', kind: '5xx', count: 1 });
    const first = await client.follow(await client.get(client.authorizeUrl()));
    expect((await client.submit(first, { LoginForm$UserName: h.user.username })).status).toBe(500);
    const now = await pageNow(first);
    expect(new URL(now.url).origin).toBe(h.sim.loginOrigins[1]);
    expect(now.body).toContain('type="password"');
  });

  it('totp: the code is accepted and counted (a replay is refused), then the maintenance page', async () => {
    h.sim.control.setLoginSite({ flow: 'b2c' });
    h.sim.control.addLoginFault({ after: 'totp', kind: 'unknown-page', count: 1 });
    const page = await passwordPage();
    const totp = await client.follow(await client.submit(page, passwordFields(page, h.user.password)));
    const answer = await client.submit(totp, { totpVerificationCode: client.totp() });
    expect(answer.body).toContain('Maintenance');
    const totpSubmits = h.sim.control.counters().logins.filter((l) => l.step === 'totp');
    expect(totpSubmits.map((l) => l.ok)).toEqual([true]);
    expect((await pageNow(totp)).url).toMatch(/OAuthConsent/);
  });

  it('consent: the code is issued and the login ends, then 500; the redirect never comes', async () => {
    h.sim.control.addLoginFault({ after: 'consent', kind: '5xx', count: 1 });
    const page = await passwordPage();
    const totp = await client.follow(await client.submit(page, passwordFields(page, h.user.password)));
    const consent = await client.follow(await client.submit(totp, { LoginForm$Input$Key: client.totp() }));
    const answer = await client.submit(consent, { decision: 'allow' });
    expect([answer.status, answer.location]).toEqual([500, null]);
    expect((await client.get(consent.url)).body).toContain('This login has expired');
  });
});

describe('counting password submissions', () => {
  const SITES: LoginSiteStyle[] = [
    { flow: 'legacy' },
    { flow: 'legacy', markup: 'other', usernameAndPasswordTogether: true },
    { flow: 'b2c', markup: 'other', language: 'de' },
    { flow: 'hybrid' },
    { flow: 'hybrid', markup: 'other', usernameAndPasswordTogether: true, errorPlacement: 'unexpected' },
  ];

  it.each(SITES)('records every password post exactly once: wrong, faulted and right (%o)', async (style) => {
    h.sim.control.setLoginSite(style);
    const wrong = await passwordPage();
    expect((await client.submit(wrong, passwordFields(wrong, 'bad-1'))).status).toBe(200);
    h.sim.control.addLoginFault({ after: 'password', kind: '5xx', count: 1 });
    const faulted = await passwordPage();
    expect((await client.submit(faulted, passwordFields(faulted, 'bad-2'))).status).toBe(500);
    h.sim.control.addLoginFault({ after: 'password', kind: 'unknown-page', count: 1 });
    const right = await passwordPage();
    expect((await client.submit(right, passwordFields(right, h.user.password))).status).toBe(200);
    expect(passwordSubmits()).toEqual([false, false, true]);
  });

  it('counts a password sent without a username as a failed submission of nobody', async () => {
    h.sim.control.setLoginSite({ flow: 'b2c' });
    const page = await passwordPage();
    const answer = await client.submit(page, { signInName: '', password: 'something' });
    expect(answer.body).toContain(LOGIN_MESSAGES.missingUsername);
    expect(h.sim.control.counters().logins).toEqual([
      { atMs: expect.any(Number) as unknown, userId: undefined, step: 'password', ok: false },
    ]);
  });
});

describe('lockUser', () => {
  it('locks an account so that even the right password is refused and counted', async () => {
    h.sim.control.lockUser(h.user.username);
    const page = await passwordPage();
    const answer = await client.submit(page, passwordFields(page, h.user.password));
    expect(answer.body).toContain(LOGIN_MESSAGES.accountLocked);
    expect(passwordSubmits()).toEqual([false]);
    expect(() => h.sim.control.lockUser('nobody@example.com')).toThrow(/no user named/);
  });

  it('over the control API, which also arms, lists and clears login faults', async () => {
    expect((await h.control('POST', 'users/lock', { username: h.user.username })).status).toBe(200);
    expect((await h.control('POST', 'users/lock', { username: 'ghost' })).status).toBe(400);
    const added = await h.control('POST', 'login-faults', { after: 'totp', kind: 'hang', count: 2 });
    expect([added.status, JSON.parse(added.body)]).toEqual([201, { id: 1 }]);
    expect(JSON.parse((await h.control('GET', 'login-faults')).body)).toEqual([
      { after: 'totp', kind: 'hang', count: 2, id: 1, left: 2 },
    ]);
    expect((await h.control('POST', 'login-faults', { after: 'mfa', kind: '5xx' })).status).toBe(400);
    expect((await h.control('DELETE', 'login-faults')).status).toBe(200);
    expect(JSON.parse((await h.control('GET', 'login-faults')).body)).toEqual([]);
  });
});

describe('stopping with a held login', () => {
  it('stop() ends the held connection instead of waiting for it', async () => {
    h.sim.control.addLoginFault({ after: 'password', kind: 'hang' });
    const page = await passwordPage();
    const held = client.submit(page, passwordFields(page, h.user.password));
    const settled = held.then(
      () => 'answered',
      () => 'dropped',
    );
    while (passwordSubmits().length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = performance.now();
    await h.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await settled).toBe('dropped');
  });
});
