/**
 * The authenticator side of a login: the code for a secret at a time, and the rule that a code is never
 * submitted twice within its 30 s step (Exact refuses a replayed code, and a refused code counts as a failure).
 */
import { createGuardrails, generateSync } from 'otplib';
import { TOTP_DIGITS, TOTP_STEP_S } from '../exact/rules';
import { LoginInputError } from './errors';

export { TOTP_STEP_S };

const STEP_MS = TOTP_STEP_S * 1000;
/** 16 base32 characters = 10 bytes, the shortest secret authenticators commonly show (RFC 6238 allows it). */
const MIN_SECRET_CHARS = 16;
/** otplib 13 wants 16 bytes by default; 10-byte secrets are common and valid. */
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** Authenticator apps show secrets in groups and sometimes lower case; padding carries no bits. */
function normalised(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
}

function secretError(problem: string): LoginInputError {
  return new LoginInputError(
    'totpSecret',
    `The TOTP secret ${problem}. Enter the secret shown when the authenticator was set up ` +
      '(base32: letters A-Z and digits 2-7, at least 16 characters; spaces are ignored).',
  );
}

function generate(secret: string, nowMs: number): string {
  return generateSync({
    secret,
    epoch: Math.floor(nowMs / 1000),
    period: TOTP_STEP_S,
    digits: TOTP_DIGITS,
    guardrails,
  });
}

/**
 * Checks that `secret` can produce codes; returns it normalised (no spaces or padding, upper case).
 * Throws {@link LoginInputError} (field `totpSecret`) saying what is wrong, never repeating the secret.
 */
export function validateTotpSecret(secret: unknown): string {
  if (typeof secret !== 'string') throw secretError('is missing');
  const clean = normalised(secret);
  if (clean === '') throw secretError('is empty');
  if (!/^[A-Z2-7]+$/.test(clean)) throw secretError('is not base32');
  if (clean.length < MIN_SECRET_CHARS) throw secretError(`is too short (${clean.length} characters)`);
  let code: string;
  try {
    code = generate(clean, 0);
  } catch {
    // otplib's own message may quote a character of the secret, so it is not passed on.
    throw secretError('does not decode to whole bytes (a character is missing or extra)');
  }
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) throw secretError(`does not give a ${TOTP_DIGITS}-digit code`);
  return clean;
}

/** The code an authenticator with `secret` shows at `nowMs`. Throws {@link LoginInputError} for a bad secret. */
export function totpCodeAt(secret: string, nowMs: number): string {
  return generate(validateTotpSecret(secret), nowMs);
}

/** The RFC 6238 step that `nowMs` falls in. */
export function totpStepAt(nowMs: number): number {
  return Math.floor(nowMs / STEP_MS);
}

/** Input of {@link nextUsableStep}. */
export interface TotpStepQuery {
  /** The step whose code was last submitted for this account, if known. */
  lastUsedStep?: number;
  /** The authenticator's time, epoch ms. */
  nowMs: number;
}

/** The step to submit a code for, and how long to wait until it starts (0 = now). */
export interface UsableStep {
  step: number;
  waitMs: number;
}

/**
 * The first step after `lastUsedStep` that is not in the past: the current one when it is newer, else the one
 * after `lastUsedStep` and the wait until it begins. A code is then never submitted twice in one step.
 */
export function nextUsableStep({ lastUsedStep, nowMs }: TotpStepQuery): UsableStep {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite number of milliseconds, got ${nowMs}`);
  if (lastUsedStep !== undefined && !(Number.isSafeInteger(lastUsedStep) && lastUsedStep >= 0)) {
    throw new RangeError(`lastUsedStep must be a whole TOTP step number (0 or more), got ${lastUsedStep}`);
  }
  const current = totpStepAt(nowMs);
  if (lastUsedStep === undefined || lastUsedStep < current) return { step: current, waitMs: 0 };
  const step = lastUsedStep + 1;
  return { step, waitMs: step * STEP_MS - nowMs };
}
