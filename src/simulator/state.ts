/**
 * Everything the simulator remembers: apps, users, authorization codes, chains, quotas and counters. The token
 * endpoint, /Me, the login pages and the control API all read and change this one object.
 */
import { API_CALLS_PER_DAY, API_CALLS_PER_MINUTE, ERRORS_PER_ENDPOINT_PER_HOUR, type ExactRules } from '../exact/rules';
import { ChainStore } from './chains';
import { Counters } from './counters';
import { SimulatorInputError } from './input-error';
import { ErrorBudget, FixedWindowQuota } from './limits';
import { type DurableState, STATE_FILE_VERSION } from './state-file';
import { mintAuthorizationCode, mintClientSecret, newGuid, TokenMint } from './token-format';
import { checkTotpSecret, generateTotpSecret, TotpChecker } from './totp';
import type { Clock, LoginState, LoginVariant, SimApp, SimUser } from './types';

/** The switches that change how the simulator answers (see SimulatorOptions for their meaning). */
export interface SimulatorSettings {
  clock: Clock;
  rules: Readonly<ExactRules>;
  loginVariant: LoginVariant;
  /** Exact's clock minus the simulator clock, in milliseconds. @default 0 */
  clockOffsetMs?: number;
  graceUntilActivated: boolean;
  legacyTooEarly401: boolean;
  tokenCallsPerDay: number;
}

export interface NewApp {
  clientId?: string;
  clientSecret?: string;
  redirectUri: string;
}

export interface NewUser {
  username: string;
  password: string;
  totpSecret?: string;
  fullName?: string;
  division?: number;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  expiresAtMs: number;
}

/** The default division of new users: a plausible Exact company number. */
const DEFAULT_DIVISION = 797636;

export class SimulatorState implements LoginState {
  /** The simulator clock (tests move it); Exact's time is this plus {@link clockOffsetMs}: see {@link nowMs}. */
  readonly clock: Clock;
  readonly rules: Readonly<ExactRules>;
  readonly loginVariant: LoginVariant;
  /** How far Exact's clock is ahead of the simulator clock (negative: behind), in milliseconds. */
  clockOffsetMs: number;
  readonly counters = new Counters();
  private readonly mint = new TokenMint();
  readonly chains = new ChainStore(this.mint, () => this.changed());
  /** Token-endpoint calls per (app, user) per day. */
  readonly tokenQuota: FixedWindowQuota;
  /** REST calls per (app, division) per minute and per day. */
  readonly apiMinuteQuota: FixedWindowQuota;
  readonly apiDayQuota: FixedWindowQuota;
  /** Error responses per (app, user, endpoint). */
  readonly errorBudget: ErrorBudget;
  private readonly apps = new Map<string, SimApp>();
  private readonly users = new Map<string, SimUser>();
  private readonly usersByName = new Map<string, SimUser>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly totp = new TotpChecker();
  private changeListener: () => void = () => {};

  constructor(readonly settings: SimulatorSettings) {
    this.clock = settings.clock;
    this.rules = settings.rules;
    this.loginVariant = settings.loginVariant;
    this.clockOffsetMs = settings.clockOffsetMs ?? 0;
    const rules = settings.rules;
    const changed = (): void => this.changed();
    this.tokenQuota = new FixedWindowQuota(settings.tokenCallsPerDay, () => rules.dayS * 1000, changed);
    this.apiMinuteQuota = new FixedWindowQuota(API_CALLS_PER_MINUTE, () => rules.minuteS * 1000, changed);
    this.apiDayQuota = new FixedWindowQuota(API_CALLS_PER_DAY, () => rules.dayS * 1000, changed);
    this.errorBudget = new ErrorBudget(
      ERRORS_PER_ENDPOINT_PER_HOUR,
      () => rules.hourS * 1000,
      () => rules.errorBlockS * 1000,
      changed,
    );
  }

  /** Calls `listener` after every change the state file keeps (there is one listener: the file's saver). */
  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  /** Whether any app, user or chain exists yet. */
  holdsAnything(): boolean {
    return this.apps.size > 0 || this.users.size > 0 || this.chains.size > 0;
  }

  /** What the state file keeps: everything except counters, faults and logins in progress. */
  durable(): DurableState {
    const nowMs = this.nowMs();
    return {
      version: STATE_FILE_VERSION,
      tokenKey: this.mint.exportKey(),
      apps: this.listApps(),
      users: [...this.users.values()].map((user) => ({ ...user })),
      chains: this.chains.snapshot(),
      codes: [...this.codes]
        .filter(([, issued]) => issued.expiresAtMs > nowMs)
        .map(([code, issued]) => ({ code, ...issued })),
      totpLastAcceptedStep: this.totp.snapshot(),
      tokenQuota: this.tokenQuota.snapshot(),
      apiMinuteQuota: this.apiMinuteQuota.snapshot(),
      apiDayQuota: this.apiDayQuota.snapshot(),
      errorBudget: this.errorBudget.snapshot(),
    };
  }

  /** Takes back what {@link durable} returned (from a checked state file), replacing everything it covers. */
  restore(saved: DurableState): void {
    this.mint.useKey(saved.tokenKey);
    this.apps.clear();
    for (const app of saved.apps) this.apps.set(app.clientId, { ...app });
    this.users.clear();
    this.usersByName.clear();
    for (const savedUser of saved.users) {
      const user = { ...savedUser };
      this.users.set(user.id, user);
      this.usersByName.set(user.username.toLowerCase(), user);
    }
    this.chains.restore(saved.chains);
    // Counters start empty, but list the live chains again (as a counter reset does) so later issues are recorded.
    for (const chain of saved.chains.filter((each) => each.status === 'live')) {
      const { id: chainId, clientId, userId, startedAtMs } = chain;
      const username = this.users.get(userId)?.username ?? '';
      this.counters.chainStarted({ chainId, clientId, userId, username, startedAtMs });
    }
    this.codes.clear();
    for (const { code, ...issued } of saved.codes) this.codes.set(code, issued);
    this.totp.restore(saved.totpLastAcceptedStep);
    this.tokenQuota.restore(saved.tokenQuota);
    this.apiMinuteQuota.restore(saved.apiMinuteQuota);
    this.apiDayQuota.restore(saved.apiDayQuota);
    this.errorBudget.restore(saved.errorBudget);
  }

  /**
   * Exact's time, epoch milliseconds: the simulator clock plus the offset. Everything time-based follows it:
   * TOTP, codes, logins, token rules, quotas, counters and the Date header.
   */
  nowMs(): number {
    return this.clock.nowMs() + this.clockOffsetMs;
  }

  addApp(input: NewApp): SimApp {
    const app: SimApp = {
      clientId: input.clientId ?? `{${newGuid()}}`,
      clientSecret: input.clientSecret ?? mintClientSecret(),
      redirectUri: input.redirectUri,
    };
    if (this.apps.has(app.clientId)) throw new SimulatorInputError(`an app with clientId ${app.clientId} exists`);
    this.apps.set(app.clientId, app);
    this.changed();
    return { ...app };
  }

  listApps(): SimApp[] {
    return [...this.apps.values()].map((app) => ({ ...app }));
  }

  addUser(input: NewUser): SimUser {
    const key = input.username.toLowerCase();
    if (this.usersByName.has(key)) throw new SimulatorInputError(`a user named ${input.username} exists`);
    if (input.totpSecret !== undefined) checkSecret(input.totpSecret);
    const user: SimUser = {
      id: newGuid(),
      username: input.username,
      password: input.password,
      totpSecret: input.totpSecret ?? generateTotpSecret(),
      fullName: input.fullName ?? input.username,
      division: input.division ?? DEFAULT_DIVISION,
    };
    this.users.set(user.id, user);
    this.usersByName.set(key, user);
    this.changed();
    return { ...user };
  }

  findApp(clientId: string): SimApp | undefined {
    return this.apps.get(clientId);
  }

  findUserByName(username: string): SimUser | undefined {
    return this.usersByName.get(username.toLowerCase());
  }

  findUser(userId: string): SimUser | undefined {
    return this.users.get(userId);
  }

  verifyTotp(userId: string, code: string): 'ok' | 'wrong' | 'reused' {
    const user = this.users.get(userId);
    if (!user) return 'wrong';
    const verdict = this.totp.verify(userId, user.totpSecret, code, this.nowMs());
    // An accepted code is remembered, so that a restart does not let it be replayed.
    if (verdict === 'ok') this.changed();
    return verdict;
  }

  recordLogin(userId: string | undefined, step: 'password' | 'totp', ok: boolean): void {
    this.counters.login({ atMs: this.nowMs(), userId, step, ok });
  }

  recordLoginFault(kind: string): void {
    this.counters.fault({ atMs: this.nowMs(), route: 'auth', kind });
  }

  issueAuthorizationCode(input: { clientId: string; redirectUri: string; userId: string }): string {
    const nowMs = this.nowMs();
    this.forgetExpiredCodes(nowMs);
    const expiresAtMs = nowMs + this.rules.authCodeTtlS * 1000;
    const code = mintAuthorizationCode(expiresAtMs);
    this.codes.set(code, { ...input, expiresAtMs });
    this.changed();
    return code;
  }

  /** The code's binding when it is unused, unexpired and was issued to `clientId`; does not use it up. */
  findAuthorizationCode(code: string, clientId: string): IssuedCode | undefined {
    const issued = this.codes.get(code);
    if (!issued || issued.clientId !== clientId || this.nowMs() >= issued.expiresAtMs) return undefined;
    return issued;
  }

  /** Codes are single use: once exchanged they are forgotten and read as invalid. */
  useAuthorizationCode(code: string): void {
    this.codes.delete(code);
    this.changed();
  }

  private changed(): void {
    this.changeListener();
  }

  private forgetExpiredCodes(nowMs: number): void {
    // Codes share one lifetime, so insertion order is expiry order.
    for (const [code, issued] of this.codes) {
      if (issued.expiresAtMs > nowMs) break;
      this.codes.delete(code);
    }
  }
}

function checkSecret(secret: string): void {
  try {
    checkTotpSecret(secret);
  } catch (error) {
    throw new SimulatorInputError(error instanceof Error ? error.message : 'totpSecret is not usable', 400, {
      cause: error,
    });
  }
}
