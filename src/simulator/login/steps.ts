/**
 * The checks behind the password and TOTP forms, shared by every flow and look. Every password or code that
 * reaches a check is reported to the state once (`recordLogin`), so tests can count submissions; what the user
 * typed is never kept or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type PageContext, pageLocation } from './context';
import type { LoginProblem } from './refusals';
import { type PageReply, redirectReply } from './reply';
import { SESSION_COOKIE, type LoginTransaction } from './transactions';

/** A failed step: the page is shown again with this refusal. */
export type StepFailure = { ok: false; problem: LoginProblem };

function sameSecret(typed: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the password.
  const a = createHash('sha256').update(typed).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Checks a username and password. A username that does not exist fails exactly like a wrong password, and
 * lockout counts per typed username, so neither reveals which accounts exist. A password sent without a
 * username is counted as a failed submission of nobody.
 */
export function checkPassword(
  { state, store }: PageContext,
  username: string,
  password: string,
): { ok: true; userId: string } | StepFailure {
  if (username === '') {
    if (password !== '') state.recordLogin(undefined, 'password', false);
    return { ok: false, problem: 'missingUsername' };
  }
  if (password === '') return { ok: false, problem: 'missingPassword' };
  const user = state.findUserByName(username);
  if (store.lockout.isLocked(username)) {
    state.recordLogin(user?.id, 'password', false);
    return { ok: false, problem: 'accountLocked' };
  }
  if (user !== undefined && sameSecret(password, user.password)) {
    store.lockout.clear(username);
    state.recordLogin(user.id, 'password', true);
    return { ok: true, userId: user.id };
  }
  state.recordLogin(user?.id, 'password', false);
  const locked = store.lockout.recordFailure(username);
  return { ok: false, problem: locked ? 'accountLocked' : 'wrongCredentials' };
}

/** Checks a TOTP code of the user who just gave the right password. */
export function checkTotp({ state }: PageContext, userId: string, code: string): { ok: true } | StepFailure {
  if (!/^\d{6}$/.test(code)) {
    state.recordLogin(userId, 'totp', false);
    return { ok: false, problem: 'malformedTotp' };
  }
  const verdict = state.verifyTotp(userId, code);
  state.recordLogin(userId, 'totp', verdict === 'ok');
  if (verdict === 'ok') return { ok: true };
  return { ok: false, problem: verdict === 'reused' ? 'reusedTotp' : 'wrongTotp' };
}

/** Moves a transaction past its password step; the answer sends the browser to the code page. */
export function passwordAccepted(ctx: PageContext, transaction: LoginTransaction, userId: string): PageReply {
  transaction.userId = userId;
  transaction.stage = 'totp';
  return redirectReply(pageLocation(ctx, transaction));
}

/**
 * Moves a transaction past its TOTP step and opens a session (for later `force_login=0`); the answer sends
 * the browser on to "Stay signed in?" when the site asks it, else to consent.
 */
export function totpAccepted(ctx: PageContext, transaction: LoginTransaction, userId: string): PageReply {
  transaction.stage = transaction.site.staySignedIn ? 'stay' : 'consent';
  const sessionId = ctx.store.openSession(userId, transaction.username ?? '');
  const cookie = `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax`;
  return redirectReply(pageLocation(ctx, transaction), 303, cookie);
}
