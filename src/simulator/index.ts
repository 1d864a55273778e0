/**
 * A local Exact Online: login pages, token endpoint, /Me, quotas, faults and a control API, over real HTTP,
 * on an injectable clock. `createSimulator()` runs it in-process; main.ts runs it standalone.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { EXACT_RULES, type ExactRules, TOKEN_CALLS_PER_DAY } from '../exact/rules';
import { systemClock } from './clock';
import { SimulatorControl } from './control';
import { FaultInjector } from './faults';
import { createSimulatorServer } from './server';
import { SimulatorState } from './state';
import { readStateFile } from './state-file';
import { StateSaver } from './state-saver';
import type { Clock } from './types';

export { ManualClock, systemClock } from './clock';
export { SimulatorControl } from './control';
export type { AuthorizeInput, BreakChainInput, ClockInput, NewAppInput, NewUserInput } from './control';
export { maxInAnyWindow } from './counters';
export type * from './counters';
export type { FaultRule, FaultRoute } from './faults';
export { SimulatorInputError } from './input-error';
export { SimulatorState } from './state';
export { StateFileError } from './state-file';
export { totpCode } from './totp';
export type { Clock, SimApp, SimUser } from './types';

export interface SimulatorOptions {
  /** Simulator time. Pass a ManualClock to move time from tests. @default systemClock */
  clock?: Clock;
  /** Exact's durations; `scaleRules(0.01)` runs them 100 times faster. @default EXACT_RULES */
  rules?: Readonly<ExactRules>;
  /** TCP port; 0 lets the OS choose. @default 0 */
  port?: number;
  /** Interface to listen on; keep it loopback. @default '127.0.0.1' */
  host?: string;
  /** Which login pages to serve. @default 'legacy' */
  loginVariant?: 'legacy' | 'b2c';
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
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:<port>`). */
  start(): Promise<{ baseUrl: string }>;
  /** Stops listening, closes open connections and writes the state file, if any. */
  stop(): Promise<void>;
  /** The base URL; throws before start(). */
  readonly baseUrl: string;
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
    graceUntilActivated: options.graceUntilActivated ?? false,
    legacyTooEarly401: options.legacyTooEarly401 ?? false,
    tokenCallsPerDay,
  });
  const faults = new FaultInjector(options.seed ?? 1);
  const control = new SimulatorControl(state, faults);
  const saver = options.stateFile === undefined ? undefined : new StateSaver(options.stateFile, () => state.durable());
  if (saver) state.onChange(() => saver.changed());
  let loaded = false;
  let server: Server | undefined;
  let baseUrl: string | undefined;

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
    async start() {
      if (server) throw new Error('the simulator is already started');
      if (options.stateFile !== undefined && saver) {
        await loadStateFile(options.stateFile);
        await saver.start();
      }
      const host = options.host ?? '127.0.0.1';
      const listening = createSimulatorServer({ state, control, faults });
      try {
        await new Promise<void>((resolve, reject) => {
          listening.once('error', reject);
          listening.listen(options.port ?? 0, host, () => resolve());
        });
      } catch (error) {
        await saver?.stop().catch(() => undefined);
        throw error;
      }
      server = listening;
      const { port } = listening.address() as AddressInfo;
      baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      return { baseUrl };
    },
    async stop() {
      const running = server;
      if (!running) return;
      server = undefined;
      baseUrl = undefined;
      const closed = new Promise<void>((resolve, reject) =>
        running.close((error) => (error ? reject(error) : resolve())),
      );
      running.closeAllConnections();
      try {
        await closed;
      } finally {
        await saver?.stop();
      }
    },
  };
}
