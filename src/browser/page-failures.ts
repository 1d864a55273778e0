/**
 * The one place where what a page shows becomes a failure reason. The step that was refused decides almost
 * everything; only "locked" versus "wrong password" needs the words, since both appear in the same place.
 */
import type { LoginFailureReason } from './errors';
import { LOCKED_WORDS, normaliseWords } from './page-words';
import type { ProfileStepName } from './profiles';

const PAGE_ERROR_MAX_CHARS = 300;
const LOCKED = new RegExp(LOCKED_WORDS);

/** Whether `text` says the account is locked (in Dutch, English, German, French or Spanish). */
export function looksLocked(text: string): boolean {
  return LOCKED.test(normaliseWords(text));
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
  return reason === 'timeout' || reason === 'browser-failed' || reason === 'not-submitted';
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
