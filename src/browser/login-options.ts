/**
 * The options of a browser login and their checks. Every problem is found before Chromium starts, with a
 * message that says what to fix and repeats no credential.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromiumPath as defaultChromiumPath } from '../temporal/tools';
import { LoginInputError, type LoginInputField } from './errors';
import { profileByName, type LoginProfile } from './profiles';
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
  /** Which login pages to expect: a profile, or its name (`legacyExact`, `b2c`). */
  profile: LoginProfile | string;
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

/** Options after checking, with defaults applied. */
export interface CheckedLoginOptions {
  authorizationUrl: string;
  redirectUri: string;
  credentials: LoginCredentials;
  profile: LoginProfile;
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
  const profile = typeof options.profile === 'string' ? profileByName(options.profile) : options.profile;
  if (profile === undefined || !Array.isArray(profile.steps) || profile.steps.length === 0) {
    fail('profile', 'The login profile has no steps: use legacyExact or b2c.');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) {
    fail('timeoutMs', `timeoutMs must be a whole number of milliseconds, at least 1000; got ${timeoutMs}.`);
  }
  const lastUsedTotpStep = options.lastUsedTotpStep;
  if (lastUsedTotpStep !== undefined && !(Number.isSafeInteger(lastUsedTotpStep) && lastUsedTotpStep >= 0)) {
    fail('lastUsedTotpStep', `lastUsedTotpStep must be a TOTP step number (0 or more); got ${lastUsedTotpStep}.`);
  }
  const chromiumPath = options.chromiumPath ?? defaultChromiumPath();
  if (!existsSync(chromiumPath)) {
    fail('chromiumPath', `Chromium was not found at ${chromiumPath}: install Debian's chromium or set CHROMIUM_PATH.`);
  }
  if (options.screenshotDir !== undefined && options.screenshotDir.trim() === '') {
    fail('screenshotDir', 'screenshotDir is empty: give a folder, or leave it out for no screenshots.');
  }
  return {
    authorizationUrl,
    redirectUri,
    credentials,
    profile,
    chromiumPath,
    timeoutMs,
    lastUsedTotpStep,
    now: options.now ?? Date.now,
    wait: options.wait ?? ((ms) => sleep(ms)),
    screenshotDir: options.screenshotDir,
  };
}
