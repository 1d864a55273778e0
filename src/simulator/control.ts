/**
 * The test-facing control surface, in-process; control-api.ts serves the same operations over HTTP. Every
 * input is validated here so both paths refuse bad input with the same message.
 */
import { z } from 'zod';
import { ManualClock } from './clock';
import type { SimCounters } from './counters';
import { type FaultInjector, type FaultRule, faultRuleSchema } from './faults';
import { SimulatorInputError } from './input-error';
import type { SimulatorState } from './state';
import type { SimApp, SimUser } from './types';

const appSchema = z.strictObject({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  redirectUri: z.url(),
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

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new SimulatorInputError(`bad ${what}: ${problems.join('; ')}`);
}

export class SimulatorControl {
  constructor(
    private readonly state: SimulatorState,
    private readonly faults: FaultInjector,
  ) {}

  /** Registers an app; clientId (a braced GUID) and clientSecret are generated when not given. */
  addApp(input: NewAppInput): SimApp {
    return this.state.addApp(parse(appSchema, input, 'app'));
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
