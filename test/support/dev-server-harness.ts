import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../activities';
import { createExactGateway } from '../../activities/exact-gateway';
import { loadConsumerKeys } from '../../src/crypto/consumer-keys';
import { createDataConverter } from '../../src/crypto/data-converter';
import { loadKeyDirectory } from '../../src/crypto/key-directory';
import type { OrgKeyRing } from '../../src/crypto/keys';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { createTokenSealer } from '../../src/crypto/seal';
import { createHostTable } from '../../src/exact/known-hosts';
import { MIN_REFRESH_INTERVAL_S } from '../../src/exact/rules';
import { createSimulator, type Simulator, type SimulatorOptions, type SimUser } from '../../src/simulator';
import type { SimApp } from '../../src/simulator/types';
import { WORKFLOWS_PATH } from '../../src/temporal/workflow-bundle';
import { openVault } from '../../src/vault/open-vault';
import type { Vault } from '../../src/vault/vault';
import { containerWorkflowId, dataContainer } from '../../workflows';
import { renewAuthorizationUpdate } from '../../contract/messages';
import type { ContainerOptions } from '../../contract/container';
import { createTestKeys } from './test-keys';

export type ContainerHandle = WorkflowHandleWithFirstExecutionRunId<typeof dataContainer>;

export interface DevServerHarnessOptions {
  /** host:port of the shared dev server: `inject('temporalAddress')`. */
  address: string;
  /**
   * Use the keys in this directory (as `chainkeeper keys init` writes them), so a CLI child process with
   * CHAINKEEPER_KEYS_DIR pointing here shares them with the worker. @default fresh in-memory keys
   */
  keysDir?: string;
  /** Where the consumer private key is, when `keysDir` holds only its public half. @default keysDir */
  consumerKeyPath?: string;
  /** Simulator options (scaled rules, faults, …); its clock is the machine's. @default real-time Exact */
  simulator?: Omit<SimulatorOptions, 'clock'>;
  /**
   * The fraction of real time Exact's rules run at on the worker's host `simulator` (CHAINKEEPER_TIME_SCALE): the
   * workflow takes its rules from the worker. @default the simulator's (its 570 s rule over Exact's), else 1
   */
  timeScale?: number;
}

export interface DevServerHarness {
  /** host:port of the dev server. */
  address: string;
  /** Unique to this harness: give it to a CLI child as TEMPORAL_TASK_QUEUE, or filter lists with `TaskQueue="…"`. */
  taskQueue: string;
  /** A client with the harness's encrypting data converter. */
  client: Client;
  sim: Simulator;
  /** The simulator's base URL (`http://127.0.0.1:<port>`). */
  baseUrl: string;
  app: SimApp;
  vault: Vault;
  orgKeys: OrgKeyRing;
  /** The consumer key pair access tokens are sealed to (what a consumer holds). */
  consumerKeys: OrgKeyRing;
  /** An alias no other test on the shared server uses. */
  uniqueAlias(name: string): string;
  /** A new Exact user (one chain per app and user, so one per container). */
  newUser(): SimUser;
  /** A fresh authorization code for `user`, as the browser login would produce. */
  code(user: SimUser): Promise<string>;
  /** Starts a container workflow (not yet enrolled); it is terminated by close(). */
  startContainer(alias: string, options?: ContainerOptions): Promise<ContainerHandle>;
  /** Starts a container and enrolls it with an authorization code for a new user: it is healthy with a fresh token. */
  enroll(alias: string, options?: ContainerOptions): Promise<{ handle: ContainerHandle; user: SimUser }>;
  /** Waits until the visibility store counts `count` workflows for `query` (it lags a little behind). */
  waitForVisibility(query: string, count: number, timeoutMs?: number): Promise<void>;
  /** Terminates every container it started, stops the worker, the simulator and the vault. */
  close(): Promise<void>;
}

async function harnessKeys(
  keysDir: string | undefined,
  consumerKeyPath: string | undefined,
): Promise<{ orgKeys: OrgKeyRing; consumerKeys: OrgKeyRing; dataConverter: DataConverter }> {
  if (keysDir === undefined) return createTestKeys();
  const keys = await loadKeyDirectory(keysDir);
  return {
    orgKeys: keys.org,
    consumerKeys: await loadConsumerKeys(consumerKeyPath ?? keysDir),
    dataConverter: createDataConverter(await SodiumPayloadCodec.create(keys.history)),
  };
}

/**
 * A worker on the shared dev server (real time) running the real container workflow and activities against an
 * in-process simulator and an in-memory SQLite vault, on its own task queue.
 */
export async function createDevServerHarness(options: DevServerHarnessOptions): Promise<DevServerHarness> {
  const { orgKeys, consumerKeys, dataConverter } = await harnessKeys(options.keysDir, options.consumerKeyPath);
  const sim = createSimulator(options.simulator);
  const { baseUrl, loginOrigins } = await sim.start();
  const app = sim.control.addApp({ redirectUri: 'http://127.0.0.1:18871/callback' });
  const vault = await openVault({ url: ':memory:', sealer: createTokenSealer(orgKeys) });
  const simulatorRule = options.simulator?.rules?.minRefreshIntervalS;
  const timeScale = options.timeScale ?? (simulatorRule === undefined ? 1 : simulatorRule / MIN_REFRESH_INTERVAL_S);
  const exact = createExactGateway({
    apps: { default: { clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: app.redirectUri } },
    extraLoginOrigins: loginOrigins,
    // The worker's hosts: the simulator as `simulator`, its rules at the simulator's speed (as CHAINKEEPER_TIME_SCALE).
    hosts: createHostTable([{ key: 'simulator', baseUrl, timeScale }]),
  });
  const activities = createActivities({
    vault,
    exact,
    keys: orgKeys,
    consumerKey: consumerKeys.current,
    recovery: { evidenceDir: 'test-results/evidence' },
    log: pino({ level: 'silent' }),
  });
  const taskQueue = `dev-harness-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities,
    dataConverter,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection, dataConverter });
  const started: string[] = [];
  let users = 0;

  const startContainer = async (alias: string, containerOptions?: ContainerOptions): Promise<ContainerHandle> => {
    const handle = await client.workflow.start(dataContainer, {
      taskQueue,
      workflowId: containerWorkflowId(alias),
      args: [{ alias, exact: { host: 'simulator', app: 'default' }, options: containerOptions }],
    });
    started.push(handle.workflowId);
    return handle;
  };
  const newUser = (): SimUser =>
    sim.control.addUser({ username: `user-${++users}-${randomUUID().slice(0, 8)}`, password: `pw-${randomUUID()}` });
  const code = (user: SimUser): Promise<string> =>
    Promise.resolve(sim.control.authorize({ clientId: app.clientId, username: user.username }).code);

  return {
    address: options.address,
    taskQueue,
    client,
    sim,
    baseUrl,
    app,
    vault,
    orgKeys,
    consumerKeys,
    uniqueAlias: (name) => `${name}-${randomUUID().slice(0, 8)}`,
    newUser,
    code,
    startContainer,
    async enroll(alias, containerOptions) {
      const handle = await startContainer(alias, containerOptions);
      const user = newUser();
      await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await code(user) }] });
      return { handle, user };
    },
    async waitForVisibility(query, count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await client.workflow.count(query)).count;
        if (found === count) return;
        if (Date.now() > deadline) throw new Error(`visibility shows ${found} workflows for ${query}, not ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async close() {
      // A container a test already terminated answers "not found"; that is the end state wanted here too.
      await Promise.all(
        started.map((id) =>
          client.workflow
            .getHandle(id)
            .terminate('test finished')
            .catch(() => undefined),
        ),
      );
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await vault.close();
      await sim.stop();
    },
  };
}
