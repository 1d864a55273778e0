/**
 * Where each login page lives and which page a transaction belongs on. The legacy paths are Exact's own
 * (`/docs/Login.aspx`, `/docs/TotpLogin.aspx`); the B2C and consent paths are the simulator's.
 */
import type { LoginTransaction } from './transactions';

export const LOGIN_PATHS = {
  authorize: '/api/oauth2/auth',
  legacyLogin: '/docs/Login.aspx',
  legacyTotp: '/docs/TotpLogin.aspx',
  b2cSignIn: '/b2c/signin',
  b2cTotp: '/b2c/totp',
  consent: '/docs/OAuthConsent.aspx',
} as const;

export type LoginPath = (typeof LOGIN_PATHS)[keyof typeof LOGIN_PATHS];

/** The page a transaction must be on now. */
export function pathFor(transaction: LoginTransaction): LoginPath {
  switch (transaction.stage) {
    case 'username':
    case 'password':
      return transaction.variant === 'legacy' ? LOGIN_PATHS.legacyLogin : LOGIN_PATHS.b2cSignIn;
    case 'totp':
      return transaction.variant === 'legacy' ? LOGIN_PATHS.legacyTotp : LOGIN_PATHS.b2cTotp;
    case 'consent':
      return LOGIN_PATHS.consent;
  }
}

/** A relative URL of a login page for this transaction (the id travels in `tx`). */
export function pageUrl(path: LoginPath, transaction: LoginTransaction): string {
  return `${path}?tx=${encodeURIComponent(transaction.id)}`;
}
