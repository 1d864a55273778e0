import type { RenewAuthorizationInput } from './types';

/** Bounds of what Exact hands out; anything outside is a paste error, not a token. */
const MIN_TOKEN_LENGTH = 16;
const MAX_TOKEN_LENGTH = 8192;

/**
 * Checks `renewAuthorization` input before the update is accepted. Throws an Error whose message says what is
 * wrong and what to send instead — and never repeats the value, which may be a secret.
 */
export function validateRenewInput(input: unknown): asserts input is RenewAuthorizationInput {
  const expected = 'send {"refreshToken": "<token>"} or {"code": "<authorization code>"}';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`renewAuthorization needs a JSON object: ${expected}.`);
  }
  const keys = Object.keys(input);
  const unknown = keys.filter((key) => key !== 'refreshToken' && key !== 'code');
  if (unknown.length > 0) {
    throw new Error(
      `renewAuthorization got unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}: ${expected}.`,
    );
  }
  if (keys.length !== 1) throw new Error(`renewAuthorization takes exactly one of refreshToken or code: ${expected}.`);
  const field = keys[0] as 'refreshToken' | 'code';
  const value = (input as Record<string, unknown>)[field];
  if (typeof value !== 'string') throw new Error(`renewAuthorization.${field} must be a string, got ${typeof value}.`);
  const trimmed = value.trim();
  if (trimmed.length < MIN_TOKEN_LENGTH || trimmed.length > MAX_TOKEN_LENGTH) {
    throw new Error(
      `renewAuthorization.${field} has ${trimmed.length} characters; Exact's are ${MIN_TOKEN_LENGTH}–${MAX_TOKEN_LENGTH}. ` +
        'Copy the whole value without quotes or line breaks.',
    );
  }
  if (/\s/.test(trimmed)) {
    throw new Error(`renewAuthorization.${field} contains white space; copy it again without line breaks or spaces.`);
  }
  if (field === 'refreshToken' && trimmed.split('.').length === 3) {
    throw new Error('renewAuthorization.refreshToken looks like an authorization code (a JWT); send it as "code".');
  }
}
