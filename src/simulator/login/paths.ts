/**
 * Where each login page lives, on which host, and which page a transaction belongs on. The legacy paths are
 * Exact's own (`/docs/Login.aspx`, `/docs/TotpLogin.aspx`); the B2C, stay-signed-in and consent paths are the
 * simulator's. In the hybrid flow the username page (`/docs/Login.aspx`) and consent are on the start host,
 * the B2C pages on the B2C host, a second listener of another origin.
 */
import type { LoginHost } from './fields';
import type { LoginTransaction } from './transactions';

export const LOGIN_PATHS = {
  authorize: '/api/oauth2/auth',
  legacyLogin: '/docs/Login.aspx',
  legacyTotp: '/docs/TotpLogin.aspx',
  staySignedIn: '/docs/StaySignedIn.aspx',
  b2cSignIn: '/b2c/signin',
  b2cTotp: '/b2c/totp',
  b2cStaySignedIn: '/b2c/staysignedin',
  consent: '/docs/OAuthConsent.aspx',
} as const;

export type LoginPath = (typeof LOGIN_PATHS)[keyof typeof LOGIN_PATHS];

/** The paths the B2C host serves; everything else is the start host's. */
export const B2C_HOST_PATHS: ReadonlySet<string> = new Set(
  [LOGIN_PATHS.b2cSignIn, LOGIN_PATHS.b2cTotp, LOGIN_PATHS.b2cStaySignedIn].map((path) => path.toLowerCase()),
);

/** The page a transaction must be on now. */
export function pathFor(transaction: LoginTransaction): LoginPath {
  const legacy = transaction.site.flow === 'legacy';
  switch (transaction.stage) {
    case 'username':
      // Only the legacy and hybrid flows ask the username alone, both on the start host's Login.aspx.
      return LOGIN_PATHS.legacyLogin;
    case 'password':
      return legacy ? LOGIN_PATHS.legacyLogin : LOGIN_PATHS.b2cSignIn;
    case 'totp':
      return legacy ? LOGIN_PATHS.legacyTotp : LOGIN_PATHS.b2cTotp;
    case 'stay':
      return legacy ? LOGIN_PATHS.staySignedIn : LOGIN_PATHS.b2cStaySignedIn;
    case 'consent':
      return LOGIN_PATHS.consent;
  }
}

/** The host the transaction's current page is on: the B2C host only for the hybrid flow's B2C pages. */
export function hostFor(transaction: LoginTransaction): LoginHost {
  if (transaction.site.flow !== 'hybrid') return 'start';
  return B2C_HOST_PATHS.has(pathFor(transaction).toLowerCase()) ? 'b2c' : 'start';
}

/** A relative URL of a login page for this transaction (the id travels in `tx`). */
export function pageUrl(path: LoginPath, transaction: LoginTransaction): string {
  return `${path}?tx=${encodeURIComponent(transaction.id)}`;
}
