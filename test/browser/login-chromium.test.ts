/**
 * loginAndAuthorize in real headless Chromium against the real simulator: both login variants end with a code
 * the token endpoint accepts; every refusal is reported by step and reason, once, with a blanked screenshot and
 * without a credential; and chained logins never submit a TOTP code twice in one step.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  b2c,
  LoginFailedError,
  loginAndAuthorize,
  TOTP_STEP_S,
  type LoginOptions,
  type LoginProfile,
} from '../../src/browser';
import { buildAuthorizationUrl, createTokenClient } from '../../src/exact';
import { createSimulator, ManualClock, totpCode, type Clock, type SimApp, type Simulator } from '../../src/simulator';
import { LOGIN_MESSAGES, PASSWORD_FAILURES_BEFORE_LOCK } from '../../src/simulator/login';

const STEP_MS = TOTP_STEP_S * 1000;
const USERNAME = 'jan@example.nl';
const PASSWORD = 'Sterk-Wachtwoord-7';
// 16 base32 characters (10 bytes), as many real authenticators show.
const TOTP_SECRET = 'KRUGS4ZANFZSAYLO';
const OTHER_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Stands in for the app's real redirect endpoint: it must never be called, as it could spend the code. */
let receiver: Server;
let redirectUri: string;
let receiverHits = 0;
let screenshotDir: string;
let sim: Simulator | undefined;

beforeAll(async () => {
  receiver = createServer((_req, res) => {
    receiverHits++;
    res.end('the code reached the redirect URI');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/exact/callback`;
  screenshotDir = await mkdtemp(join(tmpdir(), 'chainkeeper-login-'));
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await rm(screenshotDir, { recursive: true, force: true });
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

interface Started {
  baseUrl: string;
  app: SimApp;
  authorizationUrl: string;
  options: (overrides?: Partial<LoginOptions>) => LoginOptions;
}

async function startSimulator(variant: 'legacy' | 'b2c', clock?: Clock): Promise<Started> {
  sim = createSimulator({ loginVariant: variant, clock });
  const { baseUrl } = await sim.start();
  const app = sim.control.addApp({ redirectUri });
  sim.control.addUser({ username: USERNAME, password: PASSWORD, totpSecret: TOTP_SECRET });
  const authorizationUrl = buildAuthorizationUrl({ baseUrl, clientId: app.clientId, redirectUri, state: 'recovery/7' });
  const options = (overrides: Partial<LoginOptions> = {}): LoginOptions => ({
    authorizationUrl,
    redirectUri,
    credentials: { username: USERNAME, password: PASSWORD, totpSecret: TOTP_SECRET },
    allowedOrigins: [baseUrl],
    profile: variant === 'legacy' ? 'legacyExact' : 'b2c',
    screenshotDir,
    ...overrides,
  });
  return { baseUrl, app, authorizationUrl, options };
}

async function exchange({ baseUrl, app }: Started, code: string): Promise<string> {
  const client = createTokenClient({ baseUrl, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri });
  return (await client.exchangeCode(code)).kind;
}

async function failureOf(login: Promise<unknown>): Promise<LoginFailedError> {
  const error: unknown = await login.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof LoginFailedError) return error;
  throw new Error(`expected a LoginFailedError, got ${String(error)}`);
}

/** Neither the error nor the screenshot's name may hold a credential or a code that was typed. */
function expectNoSecrets(error: LoginFailedError, typedWith: string = TOTP_SECRET): void {
  const everything = JSON.stringify({ message: error.message, ...error.toFailure() });
  for (const secret of [USERNAME, PASSWORD, TOTP_SECRET, OTHER_TOTP_SECRET]) expect(everything).not.toContain(secret);
  if (error.totpStep !== undefined) expect(everything).not.toContain(totpCode(typedWith, error.totpStep * STEP_MS));
}

async function expectBlankedScreenshot(error: LoginFailedError): Promise<void> {
  const path = error.screenshotPath ?? '';
  expect(path.startsWith(screenshotDir)).toBe(true);
  expect(basename(path)).toMatch(
    new RegExp(`^login-failed-[\\dTZ-]+-${error.step}-${error.reason}-[0-9a-f]{6}\\.png$`),
  );
  expect((await readFile(path)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
}

function loginAttempts(step: 'password' | 'totp'): boolean[] {
  return (sim?.control.counters().logins ?? []).filter((login) => login.step === step).map((login) => login.ok);
}

describe('loginAndAuthorize in Chromium', () => {
  it.each(['legacy', 'b2c'] as const)(
    'logs in through the %s pages; the code buys a token pair and never reaches the redirect URI',
    async (variant) => {
      const started = await startSimulator(variant);
      const hitsBefore = receiverHits;
      const success = await loginAndAuthorize(started.options());
      expect(success.state).toBe('recovery/7');
      expect(success.totpStep).toBeGreaterThan(0);
      expect(success.durationMs).toBeGreaterThan(0);
      expect(receiverHits).toBe(hitsBefore);
      expect(await exchange(started, success.code)).toBe('ok');
      expect(loginAttempts('password')).toEqual([true]);
      expect(loginAttempts('totp')).toEqual([true]);
    },
  );

  it('reports a wrong password at the password step, tries it once, and keeps it out of the report', async () => {
    const started = await startSimulator('legacy');
    const error = await failureOf(
      loginAndAuthorize(
        started.options({ credentials: { username: USERNAME, password: 'Wrong-Pass-1', totpSecret: TOTP_SECRET } }),
      ),
    );
    expect(error.toFailure()).toMatchObject({
      step: 'password',
      reason: 'credentials-rejected',
      retryable: false,
      pageError: LOGIN_MESSAGES.wrongCredentials,
    });
    expect(error.message).toMatch(/re-enter credentials; they will not be tried again until then/i);
    expect(error.message).not.toContain('Wrong-Pass-1');
    expect(JSON.stringify(error.toFailure())).not.toContain('Wrong-Pass-1');
    expectNoSecrets(error);
    await expectBlankedScreenshot(error);
    expect(loginAttempts('password')).toEqual([false]);
    expect(loginAttempts('totp')).toEqual([]);
  });

  it('reports a code from the wrong TOTP secret at the totp step, with the spent step', async () => {
    const started = await startSimulator('b2c');
    const error = await failureOf(
      loginAndAuthorize(
        started.options({ credentials: { username: USERNAME, password: PASSWORD, totpSecret: OTHER_TOTP_SECRET } }),
      ),
    );
    expect(error.toFailure()).toMatchObject({
      step: 'totp',
      reason: 'totp-rejected',
      retryable: false,
      pageError: LOGIN_MESSAGES.wrongTotp,
    });
    expect(error.totpStep).toBeGreaterThan(0);
    expectNoSecrets(error, OTHER_TOTP_SECRET);
    await expectBlankedScreenshot(error);
    expect(loginAttempts('totp')).toEqual([false]);
  });

  it('reports a locked account as such after too many wrong passwords elsewhere', async () => {
    const started = await startSimulator('legacy');
    const start = await fetch(started.authorizationUrl, { redirect: 'manual' });
    const loginPage = new URL(start.headers.get('location') ?? '', started.baseUrl).href;
    for (let attempt = 0; attempt < PASSWORD_FAILURES_BEFORE_LOCK; attempt++) {
      const form = new URLSearchParams({ LoginForm$UserName: USERNAME, LoginForm$Password: `wrong-${attempt}` });
      expect((await fetch(loginPage, { method: 'POST', body: form })).status).toBe(200);
    }
    const error = await failureOf(loginAndAuthorize(started.options()));
    expect(error.toFailure()).toMatchObject({
      step: 'password',
      reason: 'account-locked',
      retryable: false,
      pageError: LOGIN_MESSAGES.accountLocked,
    });
    expect(error.message).toMatch(/account is locked/);
    expectNoSecrets(error);
    expect(loginAttempts('password')).toHaveLength(PASSWORD_FAILURES_BEFORE_LOCK + 1);
  });

  it('never submits a code twice in one step: a chained login waits for the next step', async () => {
    // Twenty seconds into a step, so the second login finds its predecessor's step still current.
    const stepStartMs = Math.ceil(Date.UTC(2026, 0, 15, 10) / STEP_MS) * STEP_MS;
    const clock = new ManualClock(stepStartMs + 20_000);
    const started = await startSimulator('legacy', clock);
    const waits: number[] = [];
    const time = {
      now: () => clock.nowMs(),
      wait: (ms: number) => {
        waits.push(ms);
        clock.advance(ms);
        return Promise.resolve();
      },
    };

    const first = await loginAndAuthorize(started.options(time));
    expect(first.totpStep).toBe(stepStartMs / STEP_MS);
    expect(waits).toEqual([]);
    expect(await exchange(started, first.code)).toBe('ok');

    const second = await loginAndAuthorize(started.options({ ...time, lastUsedTotpStep: first.totpStep }));
    expect(second.totpStep).toBe((first.totpStep ?? 0) + 1);
    expect(waits).toEqual([10_000]);
    expect(await exchange(started, second.code)).toBe('ok');
    expect(loginAttempts('totp')).toEqual([true, true]);

    // Without the last used step, the same code would go out again, and the site refuses a replay.
    const replay = await failureOf(loginAndAuthorize(started.options(time)));
    expect(replay.toFailure()).toMatchObject({ step: 'totp', reason: 'totp-rejected', totpStep: second.totpStep });
    expect(replay.pageError).toBe(LOGIN_MESSAGES.reusedTotp);
  });

  it('reports a refused consent as consent-denied', async () => {
    const started = await startSimulator('b2c');
    const refusing: LoginProfile = {
      name: 'b2c-refusing',
      steps: b2c.steps.map((step) => (step.step === 'consent' ? { ...step, submit: '#DenyButton' } : step)),
    };
    const error = await failureOf(loginAndAuthorize(started.options({ profile: refusing })));
    expect(error.toFailure()).toMatchObject({
      step: 'consent',
      reason: 'consent-denied',
      retryable: false,
      pageError: 'access_denied',
    });
  });

  it('reports a page no step recognises as unexpected, retryable only when the server failed', async () => {
    const started = await startSimulator('legacy');
    const unknownApp = started.authorizationUrl.replace(/client_id=[^&]+/, 'client_id=unknown-app');
    const refused = await failureOf(loginAndAuthorize(started.options({ authorizationUrl: unknownApp })));
    expect(refused.toFailure()).toMatchObject({ step: 'open', reason: 'unexpected-page', retryable: false });
    expect(refused.pageError).toBe(
      'The authorization request is not valid - No app is registered with client_id "unknown-app". ' +
        'Check the client ID in the App Center.',
    );
    expect(refused.message).toContain('HTTP 400');

    sim?.control.addFault({ route: 'auth', kind: '5xx', count: 1 });
    const serverError = await failureOf(loginAndAuthorize(started.options()));
    expect(serverError.toFailure()).toMatchObject({ step: 'open', reason: 'unexpected-page', retryable: true });
    expect(serverError.message).toContain('HTTP 503');
  });

  it('gives up at the timeout, retryably, naming the step it waited on', async () => {
    const started = await startSimulator('legacy');
    sim?.control.addFault({ route: 'auth', kind: 'delay', delayMs: 5000, count: 1 });
    const error = await failureOf(loginAndAuthorize(started.options({ timeoutMs: 1000 })));
    expect(error.toFailure()).toMatchObject({ step: 'open', reason: 'timeout', retryable: true });
    expect(error.message).toMatch(/no answer within 1000 ms/);
  });
});
