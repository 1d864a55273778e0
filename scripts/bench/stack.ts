import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import proto from '@temporalio/proto';
import { loadEnv } from '../../src/config/env';
import { loadConsumerKeys } from '../../src/crypto/consumer-keys';
import { loadKeyDirectory } from '../../src/crypto/key-directory';
import type { HistoryKeyring } from '../../src/crypto/history-keys';
import type { OrgKeyRing } from '../../src/crypto/keys';
import { scaleRules, type ExactRules } from '../../src/exact/rules';
import { createSimulator, type Simulator, type SimApp, type SimulatorOptions } from '../../src/simulator';
import { createChainkeeperClient, type ChainkeeperClient } from '../../src/temporal/client';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { onTeardown, spawnTsx, stopChild } from './processes';
import type { WorkerMemory } from './worker-probe';

/** Exact's rules at 1/500 of real time: 570 s → 1.14 s, so a container refreshes about once a second. */
export const CAPACITY_SCALE = 0.002;
/** Exact's rules at 1/100 for recovery: 570 s → 5.7 s, and an authorization code lives 1.8 s, enough to exchange it. */
export const RECOVERY_SCALE = 0.01;

const TASK_QUEUE = 'chainkeeper-bench';
const REDIRECT_URI = 'http://127.0.0.1:18871/callback';

/**
 * Server limits raised above what this machine can reach, so the benchmark measures chainkeeper and the dev
 * server's work rather than its default rate limiters (frontend 2,400 RPS, matching 1,200 RPS).
 */
const UNTHROTTLED = {
  'frontend.rps': 100_000,
  'frontend.namespaceRPS': 100_000,
  'frontend.globalNamespaceRPS': 100_000,
  'history.rps': 100_000,
  'matching.rps': 100_000,
  'frontend.persistenceMaxQPS': 100_000,
  'history.persistenceMaxQPS': 100_000,
  'matching.persistenceMaxQPS': 100_000,
};

/** One Exact Online simulator with its rules; every one knows the same app, so one worker config serves all. */
export interface BenchSimulator {
  sim: Simulator;
  baseUrl: string;
  rules: ExactRules;
  /** The host key containers name (`exact.host`); the worker maps it to this simulator and its time scale. */
  hostKey: string;
  /** The fraction of real time its rules run at (the worker's CHAINKEEPER_SIMULATOR_TIME_SCALES for its key). */
  timeScale: number;
}

/** Everything the phases run against: all local, all torn down by {@link startStack}'s teardown. */
export interface Stack {
  server: DevServer;
  client: ChainkeeperClient;
  taskQueue: string;
  app: SimApp;
  orgKeys: OrgKeyRing;
  /** The consumer key pair access tokens are sealed to (one machine: it sits in the key folder). */
  consumerKeys: OrgKeyRing;
  /** The key the worker encrypts history with (to replay histories in the benchmark). */
  historyKeys: HistoryKeyring;
  /** Compressed time (1/500) for capacity and cycle costs. */
  fast: BenchSimulator;
  /** Real time: idle containers for memory, queries and enrollment. */
  real: BenchSimulator;
  /** 1/100 time for auto-recovery with real Chromium logins, on the hybrid login flow (today's Exact). */
  recovery: BenchSimulator;
  /** The current worker process. */
  readonly worker: ChildProcess;
  /** Stops the worker and starts a fresh one (empty workflow cache, fresh heap) that polls before this resolves. */
  restartWorker(): Promise<void>;
  /** The worker's heap figures, from its probe. */
  workerMemory(): Promise<WorkerMemory>;
  /** Where the worker's JSON log goes (in the run's temporary folder; its tail is printed when a phase fails). */
  workerLog: string;
}

async function startSimulator(
  hostKey: string,
  timeScale: number,
  app: SimApp | undefined,
  loginVariant?: SimulatorOptions['loginVariant'],
): Promise<BenchSimulator & { app: SimApp }> {
  const rules = scaleRules(timeScale);
  const sim = createSimulator({ rules, loginVariant });
  const { baseUrl } = await sim.start();
  onTeardown(() => sim.stop());
  const registered = sim.control.addApp(app ?? { redirectUri: REDIRECT_URI });
  return { sim, baseUrl, rules, hostKey, timeScale, app: registered };
}

/** Waits until the worker process `pid` polls both halves of the task queue (the SDK's identity is `pid@host`). */
async function waitForPollers(client: ChainkeeperClient, pid: number, deadlineMs: number): Promise<void> {
  const service = client.client.workflowService;
  const namespace = client.client.options.namespace;
  const types = [
    proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  ];
  for (;;) {
    const described = await Promise.all(
      types.map((taskQueueType) =>
        service.describeTaskQueue({ namespace, taskQueue: { name: TASK_QUEUE }, taskQueueType }),
      ),
    );
    const polled = (answer: (typeof described)[number]) =>
      (answer.pollers ?? []).some((poller) => poller.identity?.startsWith(`${pid}@`));
    if (described.every(polled)) return;
    if (Date.now() > deadlineMs) throw new Error('the worker did not poll its task queue within 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts the dev server, three simulators, the worker process (the real worker-main) and a client. */
export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'chainkeeper-bench-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  onTeardown(() => Promise.resolve(removeDir()));
  // Last resort when the teardown is cut short: the folder holds keys and the store.
  process.once('exit', removeDir);
  const keysDir = join(dir, 'keys');
  const keys = await loadKeyDirectory(keysDir, { createIfMissing: true });

  const server = await startDevServer({ dynamicConfig: UNTHROTTLED });
  onTeardown(() => server.stop());

  const fast = await startSimulator('fast', CAPACITY_SCALE, undefined);
  const app = fast.app;
  const real = await startSimulator('real', 1, app);
  // Today's login at Exact: the user name on the start host, password and code on a B2C site of another origin.
  const recovery = await startSimulator('recovery', RECOVERY_SCALE, app, 'hybrid');
  const simulators = [fast, real, recovery];

  const env = loadEnv({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    CHAINKEEPER_KEYS_DIR: keysDir,
  });
  const client = await createChainkeeperClient(env);
  onTeardown(() => client.close());

  const workerLog = join(dir, 'worker.log');
  const startWorker = async (): Promise<ChildProcess> => {
    const logFd = openSync(workerLog, 'a');
    const child = spawnTsx(resolve(import.meta.dirname, 'worker-process.ts'), {
      nodeArgs: ['--expose-gc'],
      stdio: logFd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: TASK_QUEUE,
        CHAINKEEPER_STORE_URL: `sqlite:${join(dir, 'chainkeeper.db')}`,
        CHAINKEEPER_KEYS_DIR: keysDir,
        CHAINKEEPER_METRICS_PORT: '0',
        EXACT_CLIENT_ID: app.clientId,
        EXACT_CLIENT_SECRET: app.clientSecret,
        EXACT_REDIRECT_URI: app.redirectUri,
        // Each simulator's start host is a host key of its own, with its own speed (the workflow takes Exact's rules
        // from here, never from input); its B2C host receives logins only.
        CHAINKEEPER_SIMULATOR_ORIGINS: simulators
          .flatMap((s) => s.sim.loginOrigins.map((origin, i) => (i === 0 ? `${s.hostKey}=${origin}` : origin)))
          .join(','),
        CHAINKEEPER_SIMULATOR_TIME_SCALES: simulators.map((s) => `${s.hostKey}=${s.timeScale}`).join(','),
        LOG_LEVEL: 'info',
        ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
      },
    });
    closeSync(logFd);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => {
        const tail = readFileSync(workerLog, 'utf8').split('\n').slice(-15).join('\n');
        reject(new Error(`the worker exited with code ${code}; the end of its log:\n${tail}`));
      }),
    );
    exited.catch(() => undefined);
    await Promise.race([waitForPollers(client, child.pid!, Date.now() + 120_000), exited]);
    return child;
  };
  let worker = await startWorker();
  onTeardown(() => stopChild(worker));

  return {
    server,
    client,
    taskQueue: TASK_QUEUE,
    app,
    orgKeys: keys.org,
    consumerKeys: await loadConsumerKeys(keysDir),
    historyKeys: keys.history,
    fast,
    real,
    recovery,
    get worker() {
      return worker;
    },
    async restartWorker() {
      await stopChild(worker);
      worker = await startWorker();
    },
    workerLog,
    workerMemory: () =>
      new Promise((resolveMemory, reject) => {
        const timer = setTimeout(() => reject(new Error('the worker probe did not answer')), 10_000);
        const listener = (message: unknown) => {
          const memory = (message as { memory?: WorkerMemory }).memory;
          if (!memory) return;
          clearTimeout(timer);
          worker.off('message', listener);
          resolveMemory(memory);
        };
        worker.on('message', listener);
        worker.send('memory');
      }),
  };
}
