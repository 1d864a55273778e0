/**
 * The contract between the simulator's parts: the shared state (users, apps, codes, chains, counters; built in
 * state.ts), the login pages (login/) and the HTTP server (server.ts). Everything in the simulator reads time
 * from a {@link Clock} so tests can move it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExactRules } from '../exact/rules';

/** Simulator time; tests move it, the standalone simulator follows the system clock. */
export interface Clock {
  /** Epoch milliseconds. */
  nowMs(): number;
}

/** A registered Exact Online app (App Center entry). */
export interface SimApp {
  clientId: string;
  clientSecret: string;
  /** Must match the authorization request and the code exchange exactly. */
  redirectUri: string;
}

/** An Exact Online user who can log in. */
export interface SimUser {
  /** GUID, as in `/Me`'s UserID. */
  id: string;
  username: string;
  password: string;
  /** Base32 TOTP secret (RFC 6238, 6 digits, 30 s). */
  totpSecret: string;
  fullName: string;
  /** CurrentDivision in `/Me`; rate limits count per division. */
  division: number;
}

/** The login flows: see `LoginFlow` in login/site-style.ts. */
export type LoginVariant = 'legacy' | 'b2c' | 'hybrid';

/** What the login pages need from the shared state. */
export interface LoginState {
  /** Exact's time (the simulator clock plus its offset), epoch milliseconds: expiry and lockout follow it. */
  nowMs(): number;
  readonly rules: ExactRules;
  /** The login flow of a site whose style names none. */
  readonly loginVariant: LoginVariant;
  findApp(clientId: string): SimApp | undefined;
  findUserByName(username: string): SimUser | undefined;
  /**
   * Checks a TOTP code for the user at the simulator's time (the current step and one step either side).
   * A code already accepted in its step is refused, as real servers do.
   */
  verifyTotp(userId: string, code: string): 'ok' | 'wrong' | 'reused';
  /** Counts a login attempt (for lockout tests); `ok` false when the password or TOTP was wrong. */
  recordLogin(userId: string | undefined, step: 'password' | 'totp', ok: boolean): void;
  /**
   * Issues a single-use authorization code (JWT-shaped) valid for `rules.authCodeTtlS`, bound to app, user and
   * redirect URI. Exchanging it starts a new chain for (app, user) and kills the previous one.
   */
  issueAuthorizationCode(input: { clientId: string; redirectUri: string; userId: string }): string;
  /** Counts a login fault that fired (`kind` says which, after which submit). @default not counted */
  recordLoginFault?(kind: string): void;
}

/** Which listener a request came in on, and how the browser reaches the other one (hybrid flow). */
export interface LoginHosts {
  /** `start`: the simulator's base URL; `b2c`: its second listener, the B2C host of the hybrid flow. */
  readonly here: 'start' | 'b2c';
  /** The origin of a host as the browser reaches it (the request's host name, that listener's port). */
  originOf(host: 'start' | 'b2c'): string;
}

/**
 * Serves a login route; resolves true when it handled the request, false when the path is not a login path.
 * Without `hosts` every page is served on one origin.
 */
export type LoginRouteHandler = (
  state: LoginState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  hosts?: LoginHosts,
) => Promise<boolean>;
