/**
 * The checks behind the password and TOTP forms, shared by both page variants. Every attempt is reported to
 * the state (`recordLogin`) so tests can count them; what the user typed is never kept or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { redirect } from './http';
import { LOGIN_MESSAGES, type LoginMessage } from './messages';
import { LOGIN_PATHS, pageUrl } from './paths';
import type { PageContext } from './context';
import { SESSION_COOKIE, type LoginTransaction } from './transactions';

/** A failed step: the page is shown again with this message. */
export type StepFailure = { ok: false; message: LoginMessage };

function sameSecret(typed: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the password.
  const a = createHash('sha256').update(typed).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Checks a username and password. A username that does not exist fails exactly like a wrong password, and
 * lockout counts per typed username, so neither reveals which accounts exist.
 */
export function checkPassword(
  { state, store }: PageContext,
  username: string,
  password: string,
): { ok: true; userId: string } | StepFailure {
  if (username === '') return { ok: false, message: LOGIN_MESSAGES.missingUsername };
  if (password === '') return { ok: false, message: LOGIN_MESSAGES.missingPassword };
  const user = state.findUserByName(username);
  if (store.lockout.isLocked(username)) {
    state.recordLogin(user?.id, 'password', false);
    return { ok: false, message: LOGIN_MESSAGES.accountLocked };
  }
  if (user !== undefined && sameSecret(password, user.password)) {
    store.lockout.clear(username);
    state.recordLogin(user.id, 'password', true);
    return { ok: true, userId: user.id };
  }
  state.recordLogin(user?.id, 'password', false);
  const locked = store.lockout.recordFailure(username);
  return { ok: false, message: locked ? LOGIN_MESSAGES.accountLocked : LOGIN_MESSAGES.wrongCredentials };
}

/** Checks a TOTP code of the user who just gave the right password. */
export function checkTotp({ state }: PageContext, userId: string, code: string): { ok: true } | StepFailure {
  if (!/^\d{6}$/.test(code)) {
    state.recordLogin(userId, 'totp', false);
    return { ok: false, message: LOGIN_MESSAGES.malformedTotp };
  }
  const verdict = state.verifyTotp(userId, code);
  state.recordLogin(userId, 'totp', verdict === 'ok');
  if (verdict === 'ok') return { ok: true };
  return { ok: false, message: verdict === 'reused' ? LOGIN_MESSAGES.reusedTotp : LOGIN_MESSAGES.wrongTotp };
}

/** Moves a transaction past its password step: on to the variant's TOTP page. */
export function passwordAccepted(res: ServerResponse, transaction: LoginTransaction, userId: string): void {
  transaction.userId = userId;
  transaction.stage = 'totp';
  redirect(res, pageUrl(transaction.variant === 'legacy' ? LOGIN_PATHS.legacyTotp : LOGIN_PATHS.b2cTotp, transaction));
}

/** Moves a transaction past its TOTP step: opens a session (for later `force_login=0`) and shows consent. */
export function totpAccepted(ctx: PageContext, transaction: LoginTransaction, userId: string): void {
  transaction.stage = 'consent';
  const sessionId = ctx.store.openSession(userId, transaction.username ?? '');
  const cookie = `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax`;
  redirect(ctx.res, pageUrl(LOGIN_PATHS.consent, transaction), 303, cookie);
}
