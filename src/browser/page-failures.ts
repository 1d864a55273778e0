/**
 * The one place where what a page shows becomes a failure reason. The step and the error area that shows text
 * decide almost everything; only "locked" versus "wrong password" needs the words, since both appear in the
 * same area of the same page.
 */
import { LOGIN_MESSAGES } from '../simulator/login/messages';
import type { LoginFailureReason } from './errors';
import type { ProfileStepName } from './profiles';

/**
 * Texts that mean the account is locked. Exact's own wording is unconfirmed: the simulator's text, plus the
 * word "locked" in the languages of Exact's countries. Missing one costs little: a lock read as
 * `credentials-rejected` is just as final.
 */
const LOCKED_ACCOUNT = [
  LOGIN_MESSAGES.accountLocked.toLowerCase(),
  /\b(locked|geblokkeerd|vergrendeld|gesperrt|verrouill[ée]|bloqueada|bloqueado)\b/i,
] as const;

const PAGE_ERROR_MAX_CHARS = 300;

function looksLocked(text: string): boolean {
  return LOCKED_ACCOUNT.some((sign) =>
    typeof sign === 'string' ? text.toLowerCase().includes(sign) : sign.test(text),
  );
}

/** Why a step was refused, given the text its own error area shows after the submit. */
export function reasonForRefusedStep(step: ProfileStepName, errorText: string): LoginFailureReason {
  switch (step) {
    case 'username':
    case 'password':
      return looksLocked(errorText) ? 'account-locked' : 'credentials-rejected';
    case 'totp':
      return 'totp-rejected';
    case 'consent':
      return 'unexpected-page';
  }
}

/** Whether trying again later can help. Refused credentials never: a second try risks a lockout. */
export function isRetryable(reason: LoginFailureReason): boolean {
  return reason === 'timeout' || reason === 'browser-failed';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `text` fit for an error field: every given secret removed (as typed, URL-encoded, any case), whitespace
 * collapsed, cut to 300 characters after the removal so no part of a secret survives the cut. Values shorter
 * than 3 characters are left alone: replacing them would mangle ordinary words and hide nothing.
 */
export function withoutCredentials(text: string, secrets: readonly string[], maxChars = PAGE_ERROR_MAX_CHARS): string {
  let result = text;
  const forms = secrets
    .filter((secret) => secret.length >= 3)
    .flatMap((secret) => [secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2)]);
  // Longest first, so a password containing the username is removed whole.
  for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length)) {
    result = result.replace(new RegExp(escapeRegExp(form), 'gi'), '[redacted]');
  }
  const cleaned = result.replace(/\s+/g, ' ').trim();
  return cleaned.length > maxChars ? `${cleaned.slice(0, maxChars - 1)}…` : cleaned;
}
