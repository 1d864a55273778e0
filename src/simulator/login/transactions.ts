/**
 * Server-side state of logins in progress. A browser carries only an opaque transaction id (the `tx` query
 * parameter); what the user proved so far, and where the code must go, stays here. Transactions and sessions
 * expire on Exact's clock.
 */
import { randomBytes } from 'node:crypto';
import type { LoginState } from '../types';
import { PasswordLockout } from './lockout';
import { LoginFaults } from './login-faults';
import type { LoginSite } from './site-style';
import { LoginSites } from './sites';

/** Where a login stands; each page accepts only its own stage. `stay` is the "Stay signed in?" question. */
export type LoginStage = 'username' | 'password' | 'totp' | 'stay' | 'consent';

/** One authorization request on its way through the login pages. */
export interface LoginTransaction {
  readonly id: string;
  readonly clientId: string;
  /** Already checked against the app's registered redirect URI. */
  readonly redirectUri: string;
  /** The client's `state`, returned untouched; absent when the client sent none. */
  readonly oauthState: string | undefined;
  /** The login site this login started on; it keeps it to the end. */
  readonly site: LoginSite;
  stage: LoginStage;
  /** What the user typed at the username step (not proof of anything). */
  username?: string;
  /** Set once the password was right. */
  userId?: string;
  readonly expiresAtMs: number;
}

/** A browser that completed password and TOTP; lets a later `force_login=0` request skip to consent. */
export interface LoginSession {
  readonly userId: string;
  readonly username: string;
  readonly expiresAtMs: number;
}

/**
 * A login transaction lives this many authorization-code lifetimes: long enough for a human to type, short
 * enough that an abandoned login is gone before its would-be code would have expired many times over.
 */
export const TRANSACTION_LIFETIME_IN_CODE_TTLS = 5;

/** Name of the cookie that carries a {@link LoginSession} id. */
export const SESSION_COOKIE = 'ExactSimSession';

function opaqueId(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Transactions, sessions, the password lockout, the login sites and the login faults of one simulator. Every
 * time here is Exact's (`state.nowMs()`, the simulator clock plus its offset).
 */
export class LoginStore {
  readonly lockout: PasswordLockout;
  readonly sites: LoginSites;
  readonly faults = new LoginFaults();
  private readonly transactions = new Map<string, LoginTransaction>();
  private readonly sessions = new Map<string, LoginSession>();

  constructor(private readonly state: LoginState) {
    this.lockout = new PasswordLockout({ nowMs: () => state.nowMs() }, () => state.rules.hourS);
    this.sites = new LoginSites(() => state.loginVariant);
  }

  /** Starts a transaction at the first stage of the login pages. */
  begin(input: Pick<LoginTransaction, 'clientId' | 'redirectUri' | 'oauthState' | 'site' | 'stage'>): LoginTransaction {
    this.sweep();
    const lifetimeMs = this.state.rules.authCodeTtlS * TRANSACTION_LIFETIME_IN_CODE_TTLS * 1000;
    const transaction: LoginTransaction = { ...input, id: opaqueId(), expiresAtMs: this.state.nowMs() + lifetimeMs };
    this.transactions.set(transaction.id, transaction);
    return transaction;
  }

  /** The live transaction with this id; an expired one is forgotten. */
  find(id: string | null): LoginTransaction | undefined {
    if (id === null) return undefined;
    const transaction = this.transactions.get(id);
    if (transaction === undefined) return undefined;
    if (this.state.nowMs() >= transaction.expiresAtMs) {
      this.transactions.delete(id);
      return undefined;
    }
    return transaction;
  }

  /** Ends a transaction (consent given or refused); its id stops working. */
  finish(id: string): void {
    this.transactions.delete(id);
  }

  /** Opens a session for a user who passed password and TOTP; returns its id for the cookie. */
  openSession(userId: string, username: string): string {
    const id = opaqueId();
    this.sessions.set(id, { userId, username, expiresAtMs: this.state.nowMs() + this.state.rules.hourS * 1000 });
    return id;
  }

  /** The live session with this id, if any. */
  findSession(id: string | undefined): LoginSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (this.state.nowMs() >= session.expiresAtMs) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Forgets what expired, so abandoned logins do not pile up in a long-running simulator. */
  private sweep(): void {
    const now = this.state.nowMs();
    for (const [id, t] of this.transactions) if (now >= t.expiresAtMs) this.transactions.delete(id);
    for (const [id, s] of this.sessions) if (now >= s.expiresAtMs) this.sessions.delete(id);
  }
}

const stores = new WeakMap<LoginState, LoginStore>();

/** The store of one simulator, keyed by its state object (the server passes the same object on every request). */
export function loginStoreOf(state: LoginState): LoginStore {
  let store = stores.get(state);
  if (store === undefined) {
    store = new LoginStore(state);
    stores.set(state, store);
  }
  return store;
}
