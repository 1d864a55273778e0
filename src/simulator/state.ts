/**
 * Everything the simulator remembers: apps, users, authorization codes, chains, quotas and counters. The token
 * endpoint, /Me, the login pages and the control API all read and change this one object.
 */
import { API_CALLS_PER_DAY, API_CALLS_PER_MINUTE, ERRORS_PER_ENDPOINT_PER_HOUR, type ExactRules } from '../exact/rules';
import { ChainStore } from './chains';
import { Counters } from './counters';
import { SimulatorInputError } from './input-error';
import { ErrorBudget, FixedWindowQuota } from './limits';
import { mintAuthorizationCode, mintClientSecret, newGuid, TokenMint } from './token-format';
import { checkTotpSecret, generateTotpSecret, TotpChecker } from './totp';
import type { Clock, LoginState, SimApp, SimUser } from './types';

/** The switches that change how the simulator answers (see SimulatorOptions for their meaning). */
export interface SimulatorSettings {
  clock: Clock;
  rules: Readonly<ExactRules>;
  loginVariant: 'legacy' | 'b2c';
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
  readonly clock: Clock;
  readonly rules: Readonly<ExactRules>;
  readonly loginVariant: 'legacy' | 'b2c';
  readonly counters = new Counters();
  readonly chains = new ChainStore(new TokenMint());
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

  constructor(readonly settings: SimulatorSettings) {
    this.clock = settings.clock;
    this.rules = settings.rules;
    this.loginVariant = settings.loginVariant;
    const rules = settings.rules;
    this.tokenQuota = new FixedWindowQuota(settings.tokenCallsPerDay, () => rules.dayS * 1000);
    this.apiMinuteQuota = new FixedWindowQuota(API_CALLS_PER_MINUTE, () => rules.minuteS * 1000);
    this.apiDayQuota = new FixedWindowQuota(API_CALLS_PER_DAY, () => rules.dayS * 1000);
    this.errorBudget = new ErrorBudget(
      ERRORS_PER_ENDPOINT_PER_HOUR,
      () => rules.hourS * 1000,
      () => rules.errorBlockS * 1000,
    );
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  addApp(input: NewApp): SimApp {
    const app: SimApp = {
      clientId: input.clientId ?? `{${newGuid()}}`,
      clientSecret: input.clientSecret ?? mintClientSecret(),
      redirectUri: input.redirectUri,
    };
    if (this.apps.has(app.clientId)) throw new SimulatorInputError(`an app with clientId ${app.clientId} exists`);
    this.apps.set(app.clientId, app);
    return { ...app };
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
    return this.totp.verify(userId, user.totpSecret, code, this.nowMs());
  }

  recordLogin(userId: string | undefined, step: 'password' | 'totp', ok: boolean): void {
    this.counters.login({ atMs: this.nowMs(), userId, step, ok });
  }

  issueAuthorizationCode(input: { clientId: string; redirectUri: string; userId: string }): string {
    const nowMs = this.nowMs();
    this.forgetExpiredCodes(nowMs);
    const expiresAtMs = nowMs + this.rules.authCodeTtlS * 1000;
    const code = mintAuthorizationCode(expiresAtMs);
    this.codes.set(code, { ...input, expiresAtMs });
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
