/**
 * The texts the login pages show when a step fails. They are exported so tests and the browser automation's
 * classifier can name them instead of copying them; the first two follow what Exact's pages say.
 */
export const LOGIN_MESSAGES = {
  /** Wrong password, or a username that does not exist (the pages never reveal which). */
  wrongCredentials: 'The username or password is incorrect.',
  /** Too many wrong passwords for this username within the lockout window; even the right password is refused. */
  accountLocked:
    'Your account is temporarily locked because of too many failed login attempts. Try again later or reset your password.',
  /** The code does not match the user's authenticator at this time. */
  wrongTotp: 'The verification code is incorrect.',
  /** The code was right but was already accepted in its time step. */
  reusedTotp: 'This verification code has already been used. Wait for a new code.',
  /** Not six digits. */
  malformedTotp: 'Enter the 6-digit verification code from your authenticator app.',
  /** The username field was left empty. */
  missingUsername: 'Enter your username.',
  /** The password field was left empty. */
  missingPassword: 'Enter your password.',
} as const;

export type LoginMessage = (typeof LOGIN_MESSAGES)[keyof typeof LOGIN_MESSAGES];
