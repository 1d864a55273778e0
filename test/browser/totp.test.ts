/**
 * The authenticator side of recovery: which secrets are usable, which code a secret gives, and the rule that
 * no code is submitted twice in its 30 s step.
 */
import { describe, expect, it } from 'vitest';
import { LoginInputError, nextUsableStep, TOTP_STEP_S, totpCodeAt, validateTotpSecret } from '../../src/browser';
import { totpCode } from '../../src/simulator';

const STEP_MS = TOTP_STEP_S * 1000;
// 16 base32 characters = 10 bytes, the common authenticator length that otplib refuses by default.
const SHORT_SECRET = 'KRUGS4ZANFZSAYLO';

function inputErrorOf(action: () => unknown): LoginInputError {
  try {
    action();
  } catch (error) {
    if (error instanceof LoginInputError) return error;
    throw error;
  }
  throw new Error('expected a LoginInputError');
}

describe('validateTotpSecret', () => {
  it('accepts a 16-character secret and ignores grouping spaces, lower case and padding', () => {
    expect(validateTotpSecret(SHORT_SECRET)).toBe(SHORT_SECRET);
    expect(validateTotpSecret(' krug s4za nfzs aylo ')).toBe(SHORT_SECRET);
    expect(validateTotpSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP====')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it.each([
    ['empty', '   ', /is empty/],
    ['not base32', 'KRUGS4ZANFZSAYL1', /is not base32/],
    ['too short', 'KRUGS4ZANFZS', /too short \(12 characters\)/],
    ['a length that is not whole bytes', 'KRUGS4ZANFZSAYLOK', /whole bytes/],
  ])('refuses a secret that is %s, naming the field and never echoing the secret', (_what, secret, problem) => {
    const error = inputErrorOf(() => validateTotpSecret(secret));
    expect(error.field).toBe('totpSecret');
    expect(error.message).toMatch(problem);
    expect(error.message).toMatch(/base32: letters A-Z and digits 2-7, at least 16 characters/);
    if (secret.trim() !== '') expect(error.message).not.toContain(secret);
  });

  it('refuses a value that is not text at all', () => {
    expect(inputErrorOf(() => validateTotpSecret(undefined)).message).toMatch(/is missing/);
  });
});

describe('totpCodeAt', () => {
  it('gives the code the simulator (and an authenticator) expects at that time', () => {
    const at = Date.UTC(2026, 0, 15, 10, 0, 7);
    expect(totpCodeAt(SHORT_SECRET, at)).toMatch(/^\d{6}$/);
    expect(totpCodeAt(SHORT_SECRET, at)).toBe(totpCode(SHORT_SECRET, at));
    expect(totpCodeAt('krug s4za nfzs aylo', at)).toBe(totpCode(SHORT_SECRET, at));
  });

  it('matches RFC 6238 test vector at T=59 s', () => {
    // RFC 6238 appendix B, SHA-1, secret "12345678901234567890": 94287082 in 8 digits, so 287082 in 6.
    expect(totpCodeAt('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082');
  });
});

describe('nextUsableStep', () => {
  const stepStart = 1_000_000 * STEP_MS;

  it('uses the current step when no code was submitted before', () => {
    expect(nextUsableStep({ nowMs: stepStart + 12_345 })).toEqual({ step: 1_000_000, waitMs: 0 });
  });

  it('uses the current step at once when the last code was from an earlier step', () => {
    expect(nextUsableStep({ lastUsedStep: 999_999, nowMs: stepStart })).toEqual({ step: 1_000_000, waitMs: 0 });
  });

  it('waits for the next step when the last code was submitted in the current one', () => {
    expect(nextUsableStep({ lastUsedStep: 1_000_000, nowMs: stepStart + 21_500 })).toEqual({
      step: 1_000_001,
      waitMs: 8_500,
    });
  });

  it('waits past a last used step that lies ahead of the clock (a clock that went back)', () => {
    expect(nextUsableStep({ lastUsedStep: 1_000_002, nowMs: stepStart })).toEqual({
      step: 1_000_003,
      waitMs: 3 * STEP_MS,
    });
  });

  it('refuses a last used step that is not a step number, and a time that is not a time', () => {
    expect(() => nextUsableStep({ lastUsedStep: 1.5, nowMs: stepStart })).toThrow(/whole TOTP step number/);
    expect(() => nextUsableStep({ lastUsedStep: -1, nowMs: stepStart })).toThrow(/whole TOTP step number/);
    expect(() => nextUsableStep({ nowMs: Number.NaN })).toThrow(/nowMs must be a finite number/);
  });
});
