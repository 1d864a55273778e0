import { randomUUID } from 'node:crypto';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities, type Activities, type ActivityDeps } from '../../activities';
import type { RecoverySettings } from '../../activities/recover-chain';
import { createExactGateway } from '../../activities/exact-gateway';
import type { HostTable } from '../../src/exact/known-hosts';
import { containerRunningOn } from '../../src/temporal/container-running';
import { createSimulator, ManualClock, type Simulator, type SimulatorOptions, type SimUser } from '../../src/simulator';
import type { SimApp } from '../../src/simulator/types';
import { WORKFLOWS_PATH } from '../../src/temporal/workflow-bundle';
import { openVault } from '../../src/vault/open-vault';
import type { Vault } from '../../src/vault/vault';
import { containerWorkflowId, dataContainer } from '../../workflows';
import type { ContainerInput, ContainerOptions, ExactTarget } from '../../workflows/container/types';
import type { HistoryKey } from '../../src/crypto/history-keys';
import type { OrgKeyRing } from '../../src/crypto/keys';
import { createTestKeys } from './test-keys';
import { createTimeSkipping } from './time-skipping';

/** Lets a test wrap the real activities (to crash one, count calls, …); `deps` are what they were built from. */
export type ActivityWrapper = (activities: Activities, deps: ActivityDeps & { now: () => number }) => Activities;

export interface ContainerHarness {
  env: TestWorkflowEnvironment;
  sim: Simulator;
  clock: ManualClock;
  vault: Vault;
  /** The app containers use by default (`exact.app: 'default'`). */
  app: SimApp;
  /** Every app the worker knows, by name: `default` and those named in `moreApps`. */
  apps: Record<string, SimApp>;
  taskQueue: string;
  /** The organization keys (seal credentials with `orgKeys.current`). */
  orgKeys: OrgKeyRing;
  /** The consumer key pair access tokens are sealed to (open them with `openAccessToken(consumerKeys, …)`). */
  consumerKeys: OrgKeyRing;
  /** A new Exact user (one chain per app and user, so one per container). */
  newUser(): SimUser;
  /** A fresh authorization code for `user` and an app (`default`), as the browser login would produce, at the environment's time. */
  code(user: SimUser, appName?: string): Promise<string>;
  /** The simulator's base URL; the worker knows it as host `simulator`. */
  baseUrl: string;
  /** Starts a container workflow (not yet enrolled) on host `simulator`, or on `exact` when given. */
  startContainer(
    alias: string,
    options?: ContainerOptions,
    exact?: ExactTarget,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<typeof dataContainer>>;
  /** Starts `dataContainer` with any input at all, as anyone with the Web UI's Start Workflow button could. */
  startRaw(workflowId: string, input: unknown): Promise<WorkflowHandleWithFirstExecutionRunId<typeof dataContainer>>;
  close(): Promise<void>;
}

/**
 * A time-skipping Temporal environment, the simulator on a clock that follows the environment's time, an
 * in-memory SQLite vault and a worker running the real workflow and activities over real HTTP.
 */
export async function createContainerHarness(
  options: {
    simulator?: SimulatorOptions;
    wrap?: ActivityWrapper;
    /** Wraps the vault the activities use (to crash after a write, …). */
    wrapVault?: (vault: Vault) => Vault;
    timeoutsMs?: number;
    /** Encrypt history with this key (recorded fixtures); a fresh key by default. */
    historyKey?: HistoryKey;
    /** Recovery login settings (a fast page driver, a short login timeout, …). @default Chromium, screenshots kept */
    recovery?: RecoverySettings;
    /**
     * The worker's host table, given the simulator's base URL (scaled rules, a host it forgets, …).
     * @default Exact's countries and the simulator as host `simulator`, at real time
     */
    hosts?: (simulatorBaseUrl: string) => HostTable;
    /** More apps the simulator registers and the worker knows, by name (each may get its own login site). @default none */
    moreApps?: readonly string[];
    /**
     * The login origins the worker lets a recovery type credentials into, given the simulator's.
     * @default all of the simulator's
     */
    loginOrigins?: (simulatorOrigins: readonly string[]) => readonly string[];
    /** Activities the worker runs at once (fewer real browsers side by side). @default the SDK's */
    maxConcurrentActivities?: number;
  } = {},
): Promise<ContainerHarness> {
  const keys = await createTestKeys(options.historyKey);
  const env = await createTimeSkipping({ dataConverter: keys.dataConverter });
  const clock = new ManualClock(await env.currentTimeMs());
  const sim = createSimulator({ ...options.simulator, clock });
  const { baseUrl, loginOrigins } = await sim.start();
  const apps: Record<string, SimApp> = {};
  for (const name of ['default', ...(options.moreApps ?? [])]) {
    apps[name] = sim.control.addApp({ redirectUri: 'http://127.0.0.1:18871/callback' });
  }
  const app = apps.default!;
  const vault = await openVault({ url: ':memory:', sealer: keys.sealer });
  const timeout = options.timeoutsMs ?? 2000;
  const exact = createExactGateway({
    apps: Object.fromEntries(
      Object.entries(apps).map(([name, { clientId, clientSecret, redirectUri }]) => [
        name,
        { clientId, clientSecret, redirectUri },
      ]),
    ),
    timeouts: { connectMs: timeout, headersMs: timeout, bodyMs: timeout },
    extraLoginOrigins: options.loginOrigins ? [...options.loginOrigins(loginOrigins)] : loginOrigins,
    now: () => clock.nowMs(),
    hosts: options.hosts?.(baseUrl),
  });
  const deps = {
    vault: options.wrapVault ? options.wrapVault(vault) : vault,
    exact,
    keys: keys.orgKeys,
    consumerKey: keys.consumerKeys.current,
    recovery: { evidenceDir: 'test-results/evidence', ...options.recovery },
    log: pino({ level: 'silent' }),
    now: () => clock.nowMs(),
    containerRunning: containerRunningOn(env.client),
  };
  const real = createActivities(deps);
  // Exact's clock follows the workflow's: before every activity, the simulator catches up with the test server.
  const synced = Object.fromEntries(
    Object.entries(options.wrap ? options.wrap(real, deps) : real).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        clock.set(Math.max(clock.nowMs(), await env.currentTimeMs()));
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  );
  const taskQueue = `containers-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: synced,
    dataConverter: keys.dataConverter,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
  });
  const running = worker.run();
  let users = 0;

  return {
    env,
    sim,
    clock,
    vault,
    app,
    apps,
    taskQueue,
    orgKeys: keys.orgKeys,
    consumerKeys: keys.consumerKeys,
    newUser: () =>
      sim.control.addUser({ username: `user-${++users}-${randomUUID().slice(0, 8)}`, password: `pw-${randomUUID()}` }),
    async code(user, appName = 'default') {
      clock.set(Math.max(clock.nowMs(), await env.currentTimeMs()));
      const { clientId } = apps[appName] ?? app;
      return sim.control.authorize({ clientId, username: user.username }).code;
    },
    baseUrl,
    startContainer: (alias, containerOptions, exact = { host: 'simulator', app: 'default' }) =>
      env.client.workflow.start(dataContainer, {
        taskQueue,
        workflowId: containerWorkflowId(alias),
        args: [{ alias, exact, options: containerOptions }],
      }),
    startRaw: (workflowId, input) =>
      env.client.workflow.start(dataContainer, { taskQueue, workflowId, args: [input as ContainerInput] }),
    async close() {
      worker.shutdown();
      await running;
      await vault.close();
      await sim.stop();
      await env.teardown();
    },
  };
}
