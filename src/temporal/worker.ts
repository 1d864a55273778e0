import { resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createExactGateway, type ExactGateway } from '../../activities/exact-gateway';
import { appsFromEnv, simulatorHostsFromEnv, simulatorLoginOrigins, type ChainkeeperEnv } from '../config/env';
import { createDataConverter } from '../crypto/data-converter';
import { loadKeyDirectory } from '../crypto/key-directory';
import { probeWorkerKeys } from '../crypto/key-probe';
import { SodiumPayloadCodec } from '../crypto/payload-codec';
import { createTokenSealer } from '../crypto/seal';
import { createHostTable } from '../exact/known-hosts';
import { createLogger, type Logger } from '../log';
import { createWebhookNotifier, disabledWebhookNotifier } from '../notify/webhooks';
import { startContainerCensus } from '../observability/container-census';
import type { ChainkeeperMetrics } from '../observability/metrics';
import { openVault } from '../vault/open-vault';
import type { Vault } from '../vault/vault';
import { connectionOptions } from './connection';
import { containerRunningOn } from './container-running';
import { PROJECT_ROOT } from './tools';
import { bundleWorkflowsInChild } from './workflow-bundle';

/** Screenshots of failed recovery logins (inputs blanked). */
export const EVIDENCE_DIR = resolve(PROJECT_ROOT, 'data/evidence');

export interface WorkerFactoryOptions {
  /** Create missing keys (embedded default only). @default false */
  createKeysIfMissing?: boolean;
  /**
   * Exact Online access; the embedded default passes the simulator's app (and must give it the env's hosts).
   * @default from the EXACT_* apps, CHAINKEEPER_SIMULATOR_ORIGINS and CHAINKEEPER_TIME_SCALE
   */
  exact?: ExactGateway;
  /** @default a JSON logger at LOG_LEVEL */
  log?: Logger;
  /** Where outcomes are counted; the census of containers by status runs when given. @default not counted */
  metrics?: ChainkeeperMetrics;
}

export interface ChainkeeperWorker {
  worker: Worker;
  vault: Vault;
  /** Polls until `shutdown()`, then closes the store and the connection. */
  run(): Promise<void>;
  /** Stops polling and lets running activities finish; `run()` resolves when it is done. */
  shutdown(): void;
}

/** The worker: the container and recovery workflows and their activities, on the configured store and keys. */
export async function createChainkeeperWorker(
  env: ChainkeeperEnv,
  options: WorkerFactoryOptions = {},
): Promise<ChainkeeperWorker> {
  const log = options.log ?? createLogger(env.LOG_LEVEL);
  const keys = await loadKeyDirectory(env.CHAINKEEPER_KEYS_DIR, { createIfMissing: options.createKeysIfMissing });
  // Before anything is sealed: a worker whose keys cannot do their job must not take a single task.
  probeWorkerKeys(keys);
  const vault = await openVault({ url: env.CHAINKEEPER_STORE_URL, sealer: createTokenSealer(keys.org) });
  const timeout = env.EXACT_HTTP_TIMEOUT_MS;
  const exact =
    options.exact ??
    createExactGateway({
      apps: appsFromEnv(env),
      timeouts: { connectMs: Math.min(timeout, 5000), headersMs: timeout, bodyMs: timeout },
      extraLoginOrigins: simulatorLoginOrigins(env),
      // Where containers' tokens may go, and Exact's rules there: this worker's configuration, never the input.
      hosts: createHostTable(simulatorHostsFromEnv(env)),
    });
  const connection = await NativeConnection.connect(connectionOptions(env));
  const dataConverter = createDataConverter(await SodiumPayloadCodec.create(keys.history));
  const notifier = env.CHAINKEEPER_WEBHOOK_URL
    ? createWebhookNotifier({ url: env.CHAINKEEPER_WEBHOOK_URL, secret: env.CHAINKEEPER_WEBHOOK_SECRET!, log })
    : disabledWebhookNotifier;
  const metrics = options.metrics;
  // Every worker counts the whole namespace: dashboards take max by status, not the sum.
  const censusClient = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const census = metrics
    ? startContainerCensus({ count: (query) => censusClient.workflow.count(query), metrics, log })
    : undefined;
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowBundle: { code: await bundleWorkflowsInChild() },
    maxCachedWorkflows: env.CHAINKEEPER_WORKFLOW_CACHE_SIZE,
    activities: createActivities({
      vault,
      exact,
      log,
      keys: keys.org,
      // The public half only: the activities seal access tokens for consumers and never open them.
      consumerKey: { keyId: keys.consumer.keyId, publicKey: keys.consumer.publicKey },
      recovery: { chromiumPath: env.CHROMIUM_PATH, evidenceDir: EVIDENCE_DIR },
      metrics,
      notifier,
      // A client that reads memos (encrypted) as the worker does.
      containerRunning: containerRunningOn(
        new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter }),
      ),
    }),
    dataConverter,
  });
  return {
    worker,
    vault,
    async run() {
      try {
        await worker.run();
      } finally {
        await census?.stop();
        await vault.close();
        await connection.close();
      }
    },
    shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}
