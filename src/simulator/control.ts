/**
 * The test-facing control surface, in-process; control-api.ts serves the same operations over HTTP. Every
 * input is validated here so both paths refuse bad input with the same message.
 */
import { z } from 'zod';
import { MAX_CLOCK_OFFSET_MS, ManualClock } from './clock';
import type { SimCounters } from './counters';
import { type FaultInjector, type FaultRule, faultRuleSchema } from './faults';
import { SimulatorInputError } from './input-error';
import { type LoginSite, type LoginSiteStyle, loginSiteStyleSchema, loginStoreOf } from './login';
import { type LoginFaultRule, loginFaultSchema } from './login/login-faults';
import type { LoginStore } from './login/transactions';
import type { SimulatorState } from './state';
import type { SimApp, SimUser } from './types';

const appSchema = z.strictObject({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  redirectUri: z.url(),
  /** The app's own login site; not kept in the state file. @default the site every app gets */
  loginSite: loginSiteStyleSchema.optional(),
});

const loginSiteSchema = loginSiteStyleSchema.extend({ clientId: z.string().min(1).optional() });
const lockUserSchema = z.strictObject({ username: z.string().min(1) });
const clockOffsetSchema = z.strictObject({
  offsetMs: z.number().int().min(-MAX_CLOCK_OFFSET_MS).max(MAX_CLOCK_OFFSET_MS),
});

const userSchema = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(1),
  totpSecret: z.string().min(16).optional(),
  fullName: z.string().min(1).optional(),
  division: z.number().int().positive().optional(),
});

const authorizeSchema = z.strictObject({
  clientId: z.string().min(1),
  username: z.string().min(1),
  redirectUri: z.string().optional(),
});

const breakSchema = z.strictObject({
  clientId: z.string().min(1),
  username: z.string().min(1),
  how: z.enum(['rotate', 'invalidate', 'expire']),
});

const clockSchema = z.union([z.strictObject({ advanceMs: z.number().min(0) }), z.strictObject({ nowMs: z.number() })]);

export type NewAppInput = z.input<typeof appSchema>;
export type NewUserInput = z.input<typeof userSchema>;
export type AuthorizeInput = z.input<typeof authorizeSchema>;
/**
 * How to break a chain: `rotate` = someone else refreshed and used the new pair (the client's token is now old),
 * `invalidate` = Exact no longer knows the chain (invalid chainId), `expire` = the client's token idled too long.
 */
export type BreakChainInput = z.input<typeof breakSchema>;
export type ClockInput = z.input<typeof clockSchema>;
/** A login site style, for every app or (with `clientId`) for one. */
export type LoginSiteInput = z.input<typeof loginSiteSchema>;
export type LockUserInput = z.input<typeof lockUserSchema>;
/** Exact's clock minus the simulator clock, in milliseconds (within ±{@link MAX_CLOCK_OFFSET_MS}). */
export type ClockOffsetInput = z.input<typeof clockOffsetSchema>;

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new SimulatorInputError(`bad ${what}: ${problems.join('; ')}`);
}

export class SimulatorControl {
  private readonly login: LoginStore;

  constructor(
    private readonly state: SimulatorState,
    private readonly faults: FaultInjector,
  ) {
    this.login = loginStoreOf(state);
  }

  /**
   * Registers an app; clientId (a braced GUID) and clientSecret are generated when not given. `loginSite`
   * gives the app a login site of its own.
   */
  addApp(input: NewAppInput): SimApp {
    const { loginSite, ...app } = parse(appSchema, input, 'app');
    const added = this.state.addApp(app);
    if (loginSite !== undefined) this.login.sites.set(loginSite, added.clientId);
    return added;
  }

  /**
   * Switches the login site (flow and page knobs) of every app without one of its own, or with `clientId` of
   * that app. Logins already under way keep theirs. Returns the site with every knob decided.
   */
  setLoginSite(style: LoginSiteStyle, options: { clientId?: string } = {}): LoginSite {
    const { clientId, ...checked } = parse(loginSiteSchema, { ...style, ...options }, 'login site');
    if (clientId !== undefined && !this.state.findApp(clientId)) {
      throw new SimulatorInputError(`no app with clientId ${clientId}`);
    }
    return this.login.sites.set(checked, clientId);
  }

  /** The login site every app gets, and the apps with one of their own. */
  loginSite(): { site: LoginSite; apps: Record<string, LoginSite> } {
    return this.login.sites.describe();
  }

  /** Arms a failure that follows a login submit, after the submit was processed (see {@link LoginFaultRule}). */
  addLoginFault(rule: LoginFaultRule): { id: number } {
    return { id: this.login.faults.add(parse(loginFaultSchema, rule, 'login fault')) };
  }

  listLoginFaults(): (LoginFaultRule & { id: number; left?: number })[] {
    return this.login.faults.list();
  }

  clearLoginFaults(): void {
    this.login.faults.clear();
  }

  /** Locks the user's account now, as too many wrong passwords would; it unlocks after the lockout window. */
  lockUser(input: LockUserInput | string): void {
    const { username } = parse(lockUserSchema, typeof input === 'string' ? { username: input } : input, 'lock');
    if (!this.state.findUserByName(username)) throw new SimulatorInputError(`no user named ${username}`);
    this.login.lockout.lock(username);
  }

  /** Sets how far Exact's clock is ahead of the simulator clock (negative: behind). */
  setClockOffset(input: ClockOffsetInput): { offsetMs: number; exactNowMs: number } {
    this.state.clockOffsetMs = parse(clockOffsetSchema, input, 'clock offset').offsetMs;
    return { offsetMs: this.state.clockOffsetMs, exactNowMs: this.state.nowMs() };
  }

  /** Creates a user; the TOTP secret is generated when not given and returned either way. */
  addUser(input: NewUserInput): SimUser {
    return this.state.addUser(parse(userSchema, input, 'user'));
  }

  /** A fresh authorization code as if the user had logged in and consented in the browser. */
  authorize(input: AuthorizeInput): { code: string } {
    const { clientId, username, redirectUri } = parse(authorizeSchema, input, 'authorize request');
    const app = this.state.findApp(clientId);
    if (!app) throw new SimulatorInputError(`no app with clientId ${clientId}`);
    const user = this.state.findUserByName(username);
    if (!user) throw new SimulatorInputError(`no user named ${username}`);
    if (redirectUri !== undefined && redirectUri !== app.redirectUri) {
      throw new SimulatorInputError(`redirectUri must be the app's registered ${app.redirectUri}`);
    }
    return { code: this.state.issueAuthorizationCode({ clientId, redirectUri: app.redirectUri, userId: user.id }) };
  }

  breakChain(input: BreakChainInput): void {
    const { clientId, username, how } = parse(breakSchema, input, 'chain break');
    const user = this.state.findUserByName(username);
    if (!user) throw new SimulatorInputError(`no user named ${username}`);
    const chain = this.state.chains.liveChain(clientId, user.id);
    if (!chain) throw new SimulatorInputError(`no live chain for clientId ${clientId} and user ${username}`);
    const nowMs = this.state.nowMs();
    if (how === 'rotate') this.state.chains.rotateBehindTheClientsBack(chain, nowMs);
    if (how === 'expire') this.state.chains.expire(chain, nowMs, this.state.rules.refreshTokenIdleTtlS);
    if (how === 'invalidate') {
      this.state.chains.invalidate(chain);
      this.state.counters.chainEnded(chain.id);
    }
  }

  /** Moves simulator time; only possible when the simulator runs on a ManualClock (else 409). */
  setClock(input: ClockInput): { nowMs: number } {
    const clock = this.state.clock;
    if (!(clock instanceof ManualClock)) {
      throw new SimulatorInputError('the simulator follows the system clock; start it with a ManualClock', 409);
    }
    const change = parse(clockSchema, input, 'clock change');
    if ('advanceMs' in change) clock.advance(change.advanceMs);
    else clock.set(change.nowMs);
    return { nowMs: clock.nowMs() };
  }

  counters(): SimCounters {
    return this.state.counters.snapshot();
  }

  resetCounters(): void {
    this.state.counters.reset();
  }

  addFault(rule: FaultRule): { id: number } {
    return { id: this.faults.add(parse(faultRuleSchema, rule, 'fault rule')) };
  }

  listFaults(): (FaultRule & { id: number; left?: number })[] {
    return this.faults.list();
  }

  clearFaults(): void {
    this.faults.clear();
  }
}
