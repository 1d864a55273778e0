/**
 * Today's Exact over real HTTP: the username on the start host, then the password and the code on a B2C host
 * of another origin (the simulator's second listener), then consent back on the start host, then the redirect
 * to the app with a code that buys a token pair.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, tokens } from './harness';
import { formAction, LoginClient, nameOf, originOf, type Page } from './login-client';

let h: Harness;
afterEach(async () => h.stop());

async function start(
  options: ConstructorParameters<typeof Harness>[0] = { loginVariant: 'hybrid' },
): Promise<LoginClient> {
  h = await new Harness(options).start();
  return new LoginClient(h);
}

describe('hybrid flow', () => {
  it('walks start host → B2C host (another origin) → code → consent on the start host → redirect with code', async () => {
    const client = await start();
    const [startOrigin, b2cOrigin] = h.sim.loginOrigins;
    expect(startOrigin).toBe(h.baseUrl);
    expect(b2cOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(b2cOrigin).not.toBe(startOrigin);

    const usernamePage = await client.follow(await client.get(client.authorizeUrl({ state: 'hy/1' })));
    expect(originOf(usernamePage.url)).toBe(startOrigin);
    expect(usernamePage.body).toContain('id="LoginForm$UserName" name="LoginForm$UserName"');
    expect(usernamePage.body).toMatch(/<button type="submit"[^>]*>Volgende</);
    expect(usernamePage.body).not.toContain('type="password"');

    const toB2c = await client.submit(usernamePage, { LoginForm$UserName: h.user.username });
    expect(toB2c.status).toBe(303);
    expect(originOf(toB2c.location ?? '')).toBe(b2cOrigin);
    const passwordPage = await client.follow(toB2c);
    expect(passwordPage.body).toContain('id="password" name="password"');
    expect(passwordPage.body).toContain(h.user.username);
    expect(passwordPage.body).not.toContain('signInName"');

    const toTotp = await client.submit(passwordPage, { password: h.user.password });
    expect(toTotp.status).toBe(303);
    const totpPage = await client.follow(toTotp);
    expect(originOf(totpPage.url)).toBe(b2cOrigin);
    expect(totpPage.body).toContain('id="totpVerificationCode"');

    const toConsent = await client.submit(totpPage, { totpVerificationCode: client.totp() });
    expect(originOf(toConsent.location ?? '')).toBe(startOrigin);
    const consent = await client.follow(toConsent);
    expect(consent.body).toContain('id="AllowButton"');

    const answer = await client.submit(consent, { decision: 'allow' });
    expect(answer.status).toBe(302);
    const target = new URL(answer.location ?? '');
    expect(`${target.origin}${target.pathname}`).toBe(h.app.redirectUri);
    expect(target.searchParams.get('state')).toBe('hy/1');
    const exchanged = await h.exchange(target.searchParams.get('code') ?? '');
    expect(exchanged.status).toBe(200);
    expect(tokens(exchanged).token_type).toBe('bearer');
    expect(h.sim.control.counters().logins.map(({ step, ok }) => [step, ok])).toEqual([
      ['password', true],
      ['totp', true],
    ]);
  });

  it('sends a B2C page asked on the start host to the B2C host, and the start host pages back', async () => {
    const client = await start();
    const [startOrigin, b2cOrigin] = h.sim.loginOrigins as [string, string];
    const usernamePage = await client.follow(await client.get(client.authorizeUrl()));
    const passwordPage = await client.follow(
      await client.submit(usernamePage, { LoginForm$UserName: h.user.username }),
    );
    const path = new URL(passwordPage.url).pathname + new URL(passwordPage.url).search;

    const onStart = await client.get(`${startOrigin}${path}`);
    expect(onStart.status).toBe(303);
    expect(onStart.location).toBe(`${b2cOrigin}${path}`);
    const consentTx = new URL(passwordPage.url).search;
    const consentOnB2c = await client.get(`${b2cOrigin}/docs/OAuthConsent.aspx${consentTx}`);
    expect(consentOnB2c.status).toBe(404);
  });

  it('serves nothing but the B2C login pages on the B2C host', async () => {
    await start();
    const b2cOrigin = h.sim.loginOrigins[1] ?? '';
    for (const path of ['/api/oauth2/token', '/api/v1/current/Me', '/_sim/counters', '/api/oauth2/auth']) {
      expect((await fetch(`${b2cOrigin}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${b2cOrigin}/b2c/signin?tx=unknown`)).status).toBe(400);
  });

  it('asks username and password together on the B2C host when the site says so', async () => {
    const client = await start();
    h.sim.control.setLoginSite({ flow: 'hybrid', usernameAndPasswordTogether: true });
    const first = await client.get(client.authorizeUrl());
    expect(originOf(first.location ?? '')).toBe(h.sim.loginOrigins[1]);
    const page = await client.follow(first);
    const toTotp = await client.submit(page, {
      [nameOf(page.body, 'autocomplete', 'username')]: h.user.username,
      [nameOf(page.body, 'type', 'password')]: h.user.password,
    });
    expect(toTotp.status).toBe(303);
  });

  it('can be switched on at run time on a simulator started with another flow, and names both login origins', async () => {
    const client = await start({});
    const legacy: Page = await client.follow(await client.get(client.authorizeUrl()));
    expect(originOf(legacy.url)).toBe(h.baseUrl);
    expect(legacy.body).toContain('id="LoginForm_UserName"');
    h.sim.control.setLoginSite({ flow: 'hybrid' });
    const hybrid = await client.follow(await client.get(client.authorizeUrl()));
    expect(hybrid.body).toContain('id="LoginForm$UserName"');
    const toB2c = await client.post(formAction(hybrid), { LoginForm$UserName: h.user.username });
    expect(originOf(toB2c.location ?? '')).toBe(h.sim.loginOrigins[1]);
  });
});

describe('login origins', () => {
  it('are there after start, gone after stop, and start() returns them', async () => {
    h = new Harness();
    const sim = h.sim;
    expect(() => sim.loginOrigins).toThrow(/not started/);
    const started = await sim.start();
    expect(started.loginOrigins).toEqual(sim.loginOrigins);
    expect(started.loginOrigins).toHaveLength(2);
    expect(started.loginOrigins[0]).toBe(started.baseUrl);
    await sim.stop();
    expect(() => sim.loginOrigins).toThrow(/not started/);
    await expect(fetch(`${started.loginOrigins[1] ?? ''}/b2c/signin`)).rejects.toThrow();
  });
});
