import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { failureMessage, type ExactOutcome } from '../../src/exact';

/** Secrets shaped like Exact's: refresh tokens contain `!`, access tokens are long base64url, codes are JWTs. */
export const SECRETS = {
  refreshToken: `yIA2!IAAA${randomBytes(180).toString('base64url')}`,
  accessToken: `gAAAAA${randomBytes(660).toString('base64url')}`,
  code: `eyJhbGciOiJSUzI1NiJ9.${randomBytes(90).toString('base64url')}.${randomBytes(120).toString('base64url')}`,
  // Exact client secrets are short: not token-shaped, so only exact-value scrubbing catches them.
  clientSecret: `Xy7k${randomBytes(4).toString('hex')}`,
};

/**
 * Collects every failure outcome a test file produces, with the message of its typed error, so one check at the
 * end of the file can prove that no secret reached a detail or message.
 */
export function leakWatch() {
  const texts: string[] = [];
  return {
    watch<T>(outcome: ExactOutcome<T>): ExactOutcome<T> {
      if (outcome.kind !== 'ok') texts.push(outcome.detail, failureMessage(outcome));
      return outcome;
    },
    assertNoSecrets(): void {
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) {
        for (const [name, secret] of Object.entries(SECRETS)) {
          for (const form of [
            secret,
            encodeURIComponent(secret),
            new URLSearchParams({ v: secret }).toString().slice(2),
            secret.slice(0, 24),
          ]) {
            expect(text.includes(form), `${name} leaked into a failure detail or message`).toBe(false);
          }
        }
      }
    },
  };
}
