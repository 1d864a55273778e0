/**
 * A local Exact Online: login pages, token endpoint, /Me, quotas, faults and a control API, over real HTTP,
 * on an injectable clock. `createSimulator()` runs it in-process; main.ts runs it standalone.
 */
import type { Server } from 'node:http';
import { EXACT_RULES, type ExactRules, TOKEN_CALLS_PER_DAY } from '../exact/rules';
import { MAX_CLOCK_OFFSET_MS, systemClock } from './clock';
import { SimulatorControl } from './control';
import { FaultInjector } from './faults';
import { close, listen, type ListenerPorts, originOf } from './listeners';
import { createSimulatorServer } from './server';
import { SimulatorState } from './state';
import { readStateFile } from './state-file';
import { StateSaver } from './state-saver';
import type { Clock, LoginVariant } from './types';

export { MAX_CLOCK_OFFSET_MS, ManualClock, systemClock } from './clock';
export { SimulatorControl } from './control';
export type {
  AuthorizeInput,
  BreakChainInput,
  ClockInput,
  ClockOffsetInput,
  LoginSiteInput,
  LockUserInput,
  NewAppInput,
  NewUserInput,
} from './control';
export { maxInAnyWindow } from './counters';
export type * from './counters';
export type { FaultRule, FaultRoute } from './faults';
export { SimulatorInputError } from './input-error';
export { SimulatorState } from './state';
export { StateFileError } from './state-file';
export { totpCode } from './totp';
export type { Clock, LoginVariant, SimApp, SimUser } from './types';
export type {
  LoginFaultKind,
  LoginFaultRule,
  LoginFaultStep,
  LoginFlow,
  LoginLanguage,
  LoginSite,
  LoginSiteStyle,
} from './login';
export { LOGIN_FLOWS, LOGIN_LANGUAGES } from './login';

export interface SimulatorOptions {
  /** Simulator time. Pass a ManualClock to move time from tests. @default systemClock */
  clock?: Clock;
  /** Exact's durations; `scaleRules(0.01)` runs them 100 times faster. @default EXACT_RULES */
  rules?: Readonly<ExactRules>;
  /** TCP port; 0 lets the OS choose. @default 0 */
  port?: number;
  /** Interface to listen on (both listeners); keep it loopback. @default '127.0.0.1' */
  host?: string;
  /**
   * TCP port of the B2C host, the second listener the hybrid flow sends the browser to for password and code
   * (another origin, as login.exact.com is); 0 lets the OS choose. It listens whatever the flow, so a test may
   * switch to the hybrid flow at run time. @default 0
   */
  b2cPort?: number;
  /**
   * The login flow of every app whose login site names none: `legacy` (Login.aspx, then TotpLogin.aspx),
   * `b2c` (One Exact Identity's pages) or `hybrid` (username on the start host, password and code on the B2C
   * host, consent on the start host). `control.setLoginSite()` changes flow and page knobs at run time.
   * @default 'legacy'
   */
  loginVariant?: LoginVariant;
  /**
   * How far Exact's clock is ahead of the simulator clock (negative: behind), in milliseconds. Exact's clock
   * decides everything time-based (TOTP, codes, token rules, quotas) and the Date header of every answer.
   * `control.setClockOffset()` changes it at run time. @default 0
   */
  clockOffsetMs?: number;
  /**
   * When true, the previous refresh token stays valid until the new pair is first used (by a refresh or an API
   * call), as Invantive describes Exact; when false, it is old the moment the new pair is issued.
   * @default false
   */
  graceUntilActivated?: boolean;
  /** Answer a too-early refresh as documented in 2021 (401 "Access Token not expired") instead of 400. @default false */
  legacyTooEarly401?: boolean;
  /** Token-endpoint calls allowed per (app, user) per day. @default TOKEN_CALLS_PER_DAY (200) */
  tokenCallsPerDay?: number;
  /** Seed of the PRNG behind probabilistic faults: the same seed gives the same fault sequence. @default 1 */
  seed?: number;
  /**
   * A JSON file that keeps apps, users, chains, codes, quotas and the token signing key across restarts: the
   * first start() loads it when it exists (a file it cannot use is an error, never a silent fresh start), and
   * every change is written to it soon after, and at stop(). It holds secrets and is written with mode 0600.
   * Add apps and users after start() when the file may already exist. @default undefined (nothing is kept)
   */
  stateFile?: string;
}

export interface Simulator {
  /**
   * Starts both listeners; resolves with the base URL (`http://127.0.0.1:<port>`) and the origins that serve
   * login pages (the base URL's, then the B2C host's).
   */
  start(): Promise<{ baseUrl: string; loginOrigins: string[] }>;
  /** Stops listening, closes open connections (held ones too) and writes the state file, if any. */
  stop(): Promise<void>;
  /** The base URL; throws before start(). */
  readonly baseUrl: string;
  /**
   * The origins on which the simulator serves login pages: the base URL's and the B2C host's (hybrid flow).
   * A keeper must allow both to receive credentials. Throws before start().
   */
  readonly loginOrigins: string[];
  readonly state: SimulatorState;
  readonly clock: Clock;
  /** The same operations as the `/_sim/` control API, in-process. */
  readonly control: SimulatorControl;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const clock = options.clock ?? systemClock;
  const tokenCallsPerDay = options.tokenCallsPerDay ?? TOKEN_CALLS_PER_DAY;
  if (!Number.isInteger(tokenCallsPerDay) || tokenCallsPerDay < 1) {
    throw new RangeError(`tokenCallsPerDay must be a positive integer, got ${tokenCallsPerDay}`);
  }
  const state = new SimulatorState({
    clock,
    rules: options.rules ?? EXACT_RULES,
    loginVariant: options.loginVariant ?? 'legacy',
    clockOffsetMs: checkedClockOffset(options.clockOffsetMs ?? 0),
    graceUntilActivated: options.graceUntilActivated ?? false,
    legacyTooEarly401: options.legacyTooEarly401 ?? false,
    tokenCallsPerDay,
  });
  const faults = new FaultInjector(options.seed ?? 1);
  const control = new SimulatorControl(state, faults);
  const saver = options.stateFile === undefined ? undefined : new StateSaver(options.stateFile, () => state.durable());
  if (saver) state.onChange(() => saver.changed());
  let loaded = false;
  let servers: { start: Server; b2c: Server } | undefined;
  let baseUrl: string | undefined;
  let loginOrigins: string[] | undefined;

  /** On the first start only: later starts of the same instance already hold the newest state. */
  async function loadStateFile(file: string): Promise<void> {
    if (loaded) return;
    const saved = await readStateFile(file);
    if (saved && state.holdsAnything()) {
      throw new Error(
        `the simulator already holds apps or users, and its state file ${file} holds saved ones: ` +
          'add apps and users after start(), or delete the file',
      );
    }
    if (saved) state.restore(saved);
    loaded = true;
  }

  return {
    state,
    clock,
    control,
    get baseUrl(): string {
      if (baseUrl === undefined) throw new Error('the simulator is not started; call start() first');
      return baseUrl;
    },
    get loginOrigins(): string[] {
      if (loginOrigins === undefined) throw new Error('the simulator is not started; call start() first');
      return [...loginOrigins];
    },
    async start() {
      if (servers) throw new Error('the simulator is already started');
      if (options.stateFile !== undefined && saver) {
        await loadStateFile(options.stateFile);
        await saver.start();
      }
      const host = options.host ?? '127.0.0.1';
      const ports: ListenerPorts = {};
      const started = {
        start: createSimulatorServer({ state, control, faults, listener: 'start', ports }),
        b2c: createSimulatorServer({ state, control, faults, listener: 'b2c', ports }),
      };
      try {
        ports.start = await listen(started.start, options.port ?? 0, host);
        ports.b2c = await listen(started.b2c, options.b2cPort ?? 0, host);
      } catch (error) {
        await Promise.all([close(started.start), close(started.b2c)]).catch(() => undefined);
        await saver?.stop().catch(() => undefined);
        throw error;
      }
      servers = started;
      baseUrl = originOf(host, ports.start);
      loginOrigins = [baseUrl, originOf(host, ports.b2c)];
      return { baseUrl, loginOrigins: [...loginOrigins] };
    },
    async stop() {
      const running = servers;
      if (!running) return;
      servers = undefined;
      baseUrl = undefined;
      loginOrigins = undefined;
      try {
        await Promise.all([close(running.start), close(running.b2c)]);
      } finally {
        await saver?.stop();
      }
    },
  };
}

function checkedClockOffset(offsetMs: number): number {
  if (!Number.isInteger(offsetMs) || Math.abs(offsetMs) > MAX_CLOCK_OFFSET_MS) {
    throw new RangeError(`clockOffsetMs must be a whole number of milliseconds within ±1 year, got ${offsetMs}`);
  }
  return offsetMs;
}
