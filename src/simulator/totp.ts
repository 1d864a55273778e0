/**
 * RFC 6238 codes as Exact's TOTP page checks them: 6 digits, 30 s steps, one step of tolerance either side,
 * and a code accepted once is refused when replayed in its step.
 */
import { createGuardrails, generateSecret, generateSync } from 'otplib';
import { TOTP_DIGITS, TOTP_STEP_S } from '../exact/rules';

/** Authenticator secrets are often 16 base32 characters (10 bytes); otplib's default minimum is 16 bytes. */
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** A fresh base32 secret of 20 bytes (32 characters), as authenticator enrolment shows. */
export function generateTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** Throws a readable error when `secret` cannot be used as a TOTP secret. */
export function checkTotpSecret(secret: string): void {
  try {
    totpCode(secret, 0);
  } catch (error) {
    const reason = error instanceof Error ? error.name : 'invalid';
    throw new RangeError(`totpSecret must be base32 of at least 10 bytes (16 characters) (${reason})`, {
      cause: error,
    });
  }
}

/** The code an authenticator shows at `atMs` for `secret`. */
export function totpCode(secret: string, atMs: number): string {
  return generateSync({
    secret,
    epoch: Math.floor(atMs / 1000),
    period: TOTP_STEP_S,
    digits: TOTP_DIGITS,
    guardrails,
  });
}

/** Remembers the last accepted step per user to refuse replays. */
export class TotpChecker {
  private readonly lastAcceptedStep = new Map<string, number>();

  /** The last accepted step per user id (for the state file, so a restart does not reopen a replay). */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.lastAcceptedStep);
  }

  restore(lastAcceptedStep: Readonly<Record<string, number>>): void {
    this.lastAcceptedStep.clear();
    for (const [userId, step] of Object.entries(lastAcceptedStep)) this.lastAcceptedStep.set(userId, step);
  }

  verify(userId: string, secret: string, code: string, nowMs: number): 'ok' | 'wrong' | 'reused' {
    if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return 'wrong';
    const step = Math.floor(nowMs / 1000 / TOTP_STEP_S);
    for (const candidate of [step - 1, step, step + 1]) {
      if (totpCode(secret, candidate * TOTP_STEP_S * 1000) !== code) continue;
      const last = this.lastAcceptedStep.get(userId);
      if (last !== undefined && candidate <= last) return 'reused';
      this.lastAcceptedStep.set(userId, candidate);
      return 'ok';
    }
    return 'wrong';
  }
}
