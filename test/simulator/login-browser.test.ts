import { CHROMIUM_ARGS } from '../../src/browser';
/**
 * The login pages in real headless Chromium against the real simulator: what the keeper's browser automation
 * will do, for both login variants, ending with the code exchanged at the token endpoint.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createGuardrails, generateSync } from 'otplib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator';
import { LOGIN_MESSAGES } from '../../src/simulator/login';
import type { SimApp, SimUser } from '../../src/simulator/types';
import { chromiumPath, PROJECT_ROOT } from '../../src/temporal/tools';

// Nothing listens here (see allowAndCapture). A high port, as Chromium refuses some low ones (ERR_UNSAFE_PORT).
const REDIRECT_URI = 'http://127.0.0.1:18871/exact/callback';
const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-results');
// 16 base32 characters (10 bytes), like many real authenticator secrets; otplib 13 needs the guardrail for it.
const TOTP_SECRET = 'KRUGS4ZANFZSAYLO';
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

let browser: Browser;
let sim: Simulator | undefined;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS],
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

afterAll(async () => {
  await browser.close();
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function startSimulator(
  loginVariant: 'legacy' | 'b2c',
): Promise<{ baseUrl: string; app: SimApp; user: SimUser }> {
  sim = createSimulator({ loginVariant });
  const { baseUrl } = await sim.start();
  const app = sim.control.addApp({ redirectUri: REDIRECT_URI });
  const user = sim.control.addUser({
    username: 'jan@example.nl',
    password: 'Sterk-Wachtwoord-7',
    totpSecret: TOTP_SECRET,
  });
  return { baseUrl, app, user };
}

/** The code the user's authenticator shows now; computed right before typing so it cannot go stale. */
function currentTotp(): string {
  const nowMs = sim?.clock.nowMs() ?? Date.now();
  return generateSync({ secret: TOTP_SECRET, epoch: Math.floor(nowMs / 1000), guardrails });
}

function authorizationUrl(baseUrl: string, app: SimApp, state: string): string {
  const query = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    state,
    force_login: '0',
  });
  return `${baseUrl}/api/oauth2/auth?${query.toString()}`;
}

/**
 * Clicks Toestaan and returns the URL the browser was sent to, read as the request leaves the browser. A
 * page.route fulfil does not help here: for the target of a 302 (the consent answer) Playwright 1.65 with
 * Chromium runs the handler but the request still fails with ERR_CONNECTION_REFUSED when nothing listens.
 */
async function allowAndCapture(page: Page, screenshotName: string): Promise<URL> {
  await page.locator('#AllowButton').waitFor();
  await page.screenshot({ path: join(SCREENSHOT_DIR, screenshotName), fullPage: true });
  const [redirected] = await Promise.all([
    page.waitForRequest((request) => request.url().startsWith(`${REDIRECT_URI}?`)),
    page.click('#AllowButton'),
  ]);
  return new URL(redirected.url());
}

async function exchange(baseUrl: string, app: SimApp, code: string): Promise<Response> {
  return fetch(`${baseUrl}/api/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      redirect_uri: REDIRECT_URI,
      grant_type: 'authorization_code',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code,
    }).toString(),
  });
}

describe('login pages in Chromium', () => {
  it('logs in through the legacy pages, consents, and the captured code buys a token pair', async () => {
    const { baseUrl, app, user } = await startSimulator('legacy');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(authorizationUrl(baseUrl, app, 'legacy-state-1'));
      expect(await page.getAttribute('html', 'id')).toBe('LoginPage');

      await page.fill('#LoginForm_UserName', user.username);
      await page.click('#LoginForm_btnSave');
      await page.fill('#LoginForm_Password', 'not-the-password');
      await page.click('#LoginForm_btnSave');
      expect(await page.textContent('#LoginForm_ErrorMessages')).toBe(LOGIN_MESSAGES.wrongCredentials);

      await page.fill('#LoginForm_Password', user.password);
      await page.click('#LoginForm_btnSave');
      await page.waitForURL('**/docs/TotpLogin.aspx**');
      await page.fill('#LoginForm_Input_Key', currentTotp());
      await page.click('#LoginForm_btnSave');
      await page.waitForURL('**/docs/OAuthConsent.aspx**');
      expect(await page.textContent('#ConsentClientId')).toBe(app.clientId);

      const landed = await allowAndCapture(page, 'login-consent-legacy.png');
      const code = landed.searchParams.get('code') ?? '';
      expect(code).not.toBe('');
      expect(landed.searchParams.get('state')).toBe('legacy-state-1');

      const token = await exchange(baseUrl, app, code);
      expect(token.status).toBe(200);
      const body = (await token.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: '600' });
      expect(typeof body.refresh_token).toBe('string');
    } finally {
      await context.close();
    }
  });

  it('logs in through the B2C pages, showing the page-level error only when there is one', async () => {
    const { baseUrl, app, user } = await startSimulator('b2c');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(authorizationUrl(baseUrl, app, 'b2c state/2'));
      expect(await page.isVisible('.error.pageLevel')).toBe(false);

      await page.fill('#signInName', user.username);
      await page.fill('#password', 'not-the-password');
      await page.click('button#next');
      expect(await page.isVisible('.error.pageLevel')).toBe(true);
      expect(await page.textContent('.error.pageLevel')).toBe(LOGIN_MESSAGES.wrongCredentials);

      await page.fill('#signInName', user.username);
      await page.fill('#password', user.password);
      await page.click('button#next');
      await page.waitForURL('**/b2c/totp**');
      await page.fill('#totpVerificationCode', currentTotp());
      await page.click('button#next');
      await page.waitForURL('**/docs/OAuthConsent.aspx**');

      const landed = await allowAndCapture(page, 'login-consent-b2c.png');
      const code = landed.searchParams.get('code') ?? '';
      expect(code).not.toBe('');
      expect(landed.searchParams.get('state')).toBe('b2c state/2');
      expect((await exchange(baseUrl, app, code)).status).toBe(200);
    } finally {
      await context.close();
    }
  });
});
