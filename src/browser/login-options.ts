/**
 * The options of a browser login and their checks. Every problem is found before Chromium starts, with a
 * message that says what to fix and repeats no credential.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromiumPath as defaultChromiumPath } from '../temporal/tools';
import { chromiumPageDriver } from './chromium-driver';
import { LoginInputError, type CredentialStep, type LoginInputField, type LoginStep } from './errors';
import type { LoginPageFactory } from './page-driver';
import { AUTO_PROFILE, readingPlan, type LoginProfile, type ReadingPlan } from './profiles';
import { validateTotpSecret } from './totp';

/** What the site asks; opened from the vault only for the login. */
export interface LoginCredentials {
  username: string;
  password: string;
  /** Base32, as shown when the authenticator was set up; spaces are ignored. */
  totpSecret: string;
}

export interface LoginOptions {
  /** The URL that starts the login, e.g. from `buildAuthorizationUrl`. Its `state` must come back unchanged. */
  authorizationUrl: string;
  /** The app's registered redirect URI; the request to it is caught and cancelled, never sent. */
  redirectUri: string;
  credentials: LoginCredentials;
  /**
   * Origins (scheme://host[:port]) whose pages may receive credentials; anything else stops the login before
   * typing. The authorization URL's own origin is not implied: list it. Required.
   */
  allowedOrigins: readonly string[];
  /**
   * Which login pages to expect: `auto` (every profile, then the page read by meaning), or one profile, by name
   * (`legacyExact`, `b2c`) or given, alone. @default 'auto'
   */
  profile?: LoginProfile | string;
  /** What the caller hears as the login goes; see {@link LoginHooks}. @default none */
  hooks?: LoginHooks;
  /** Test seam: open pages with this driver instead of Chromium. @default Chromium at `chromiumPath` */
  driver?: LoginPageFactory;
  /** Chromium to launch; Playwright never downloads one. @default chromiumPath() ($CHROMIUM_PATH or /usr/bin/chromium) */
  chromiumPath?: string;
  /** Real time the whole login may take, launch to redirect (a fresh-code wait included). @default 60_000 */
  timeoutMs?: number;
  /** The TOTP step last submitted for this account (from a previous login); its code is never sent again. @default none */
  lastUsedTotpStep?: number;
  /** The authenticator's clock, epoch ms: the time TOTP codes are made for. @default Date.now */
  now?: () => number;
  /** How to wait for a fresh TOTP step; tests pass one that moves their clock. @default a real timer */
  wait?: (ms: number) => Promise<void>;
  /** Folder for a screenshot of a failed login (inputs blanked). @default none: no screenshot */
  screenshotDir?: string;
}

/**
 * Lockout-relevant progress, told truthfully as it happens; the caller keeps the invariant with it. Errors thrown
 * by `confirmed`, `stepPassed` and `serverDate` are ignored: the login goes on (a pending mark the caller failed
 * to clear stays, which is the safe side).
 */
export interface LoginHooks {
  /**
   * Awaited right before a credential step is submitted (after filling, before the click or Enter). If it
   * throws, nothing is submitted and the login fails with reason `not-submitted` (retryable), the error's
   * message as detail. @default none
   */
  beforeSubmit?(step: CredentialStep): Promise<void>;
  /**
   * A submitted credential step was confirmed by reaching a recognised next step: `username` by a password,
   * TOTP or consent page or the redirect; `password` by a TOTP or consent page or the redirect with a code;
   * `totp` by consent or the redirect with a code. Awaited before the login goes on. @default none
   */
  confirmed?(step: CredentialStep): Promise<void> | void;
  /** Each step as it passes (username, password, totp, consent), for live progress. @default none */
  stepPassed?(step: LoginStep): void;
  /**
   * Every main-document response's `Date` header (epoch ms) and the local time (`now()`) it arrived: the
   * caller estimates the site's clock from these. @default none
   */
  serverDate?(serverMs: number, localMs: number): void;
}

/** Options after checking, with defaults applied. */
export interface CheckedLoginOptions {
  authorizationUrl: string;
  redirectUri: string;
  credentials: LoginCredentials;
  /** Origins as `URL.origin` spells them. */
  allowedOrigins: readonly string[];
  plan: ReadingPlan;
  hooks: LoginHooks;
  driver: LoginPageFactory;
  chromiumPath: string;
  timeoutMs: number;
  lastUsedTotpStep: number | undefined;
  now: () => number;
  wait: (ms: number) => Promise<void>;
  screenshotDir: string | undefined;
}

export const DEFAULT_LOGIN_TIMEOUT_MS = 60_000;

function fail(field: LoginInputField, message: string): never {
  throw new LoginInputError(field, message);
}

function webUrl(value: unknown, field: LoginInputField, what: string): string {
  if (typeof value !== 'string' || !URL.canParse(value)) fail(field, `The ${what} is not an absolute URL.`);
  const { protocol } = new URL(value);
  if (protocol !== 'https:' && protocol !== 'http:') fail(field, `The ${what} must start with https:// or http://.`);
  return value;
}

/** Each entry must be an http(s) origin and nothing more; returned as `URL.origin` spells it. */
function origins(value: unknown): string[] {
  const what = 'allowedOrigins lists the origins (scheme://host[:port]) whose login pages may receive credentials';
  if (!Array.isArray(value) || value.length === 0) fail('allowedOrigins', `${what}; give at least one.`);
  return value.map((entry: unknown) => {
    const text = typeof entry === 'string' ? entry.trim() : '';
    if (!URL.canParse(text)) fail('allowedOrigins', `${what}; "${String(entry)}" is not one.`);
    const url = new URL(text);
    const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare || url.password !== '') {
      fail('allowedOrigins', `${what}; "${text}" is not one (no path, query or user).`);
    }
    return url.origin;
  });
}

function filled(value: unknown, field: 'username' | 'password'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    fail(field, `The ${field} is empty: re-enter the credentials of this container.`);
  }
  return value;
}

/** Checks `options` and applies defaults; throws {@link LoginInputError} naming the first problem. */
export function checkLoginOptions(options: LoginOptions): CheckedLoginOptions {
  const authorizationUrl = webUrl(options.authorizationUrl, 'authorizationUrl', 'authorization URL');
  const redirectUri = webUrl(options.redirectUri, 'redirectUri', 'redirect URI');
  const given = options.credentials ?? fail('username', 'No credentials were given: enroll credentials first.');
  const credentials: LoginCredentials = {
    username: filled(given.username, 'username').trim(),
    password: filled(given.password, 'password'),
    totpSecret: validateTotpSecret(given.totpSecret),
  };
  const allowedOrigins = origins(options.allowedOrigins);
  const plan = readingPlan(options.profile ?? AUTO_PROFILE);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) {
    fail('timeoutMs', `timeoutMs must be a whole number of milliseconds, at least 1000; got ${timeoutMs}.`);
  }
  const lastUsedTotpStep = options.lastUsedTotpStep;
  if (lastUsedTotpStep !== undefined && !(Number.isSafeInteger(lastUsedTotpStep) && lastUsedTotpStep >= 0)) {
    fail('lastUsedTotpStep', `lastUsedTotpStep must be a TOTP step number (0 or more); got ${lastUsedTotpStep}.`);
  }
  const chromiumPath = options.chromiumPath ?? defaultChromiumPath();
  if (options.driver === undefined && !existsSync(chromiumPath)) {
    fail('chromiumPath', `Chromium was not found at ${chromiumPath}: install Debian's chromium or set CHROMIUM_PATH.`);
  }
  if (options.screenshotDir !== undefined && options.screenshotDir.trim() === '') {
    fail('screenshotDir', 'screenshotDir is empty: give a folder, or leave it out for no screenshots.');
  }
  return {
    authorizationUrl,
    redirectUri,
    credentials,
    allowedOrigins,
    plan,
    hooks: options.hooks ?? {},
    driver: options.driver ?? chromiumPageDriver({ chromiumPath }),
    chromiumPath,
    timeoutMs,
    lastUsedTotpStep,
    now: options.now ?? Date.now,
    wait: options.wait ?? ((ms) => sleep(ms)),
    screenshotDir: options.screenshotDir,
  };
}
