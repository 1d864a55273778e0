/**
 * `npm run worker`: one chainkeeper worker from environment configuration (see the README's table), with JSON
 * logs (the Temporal runtime's too) and a Prometheus endpoint serving chainkeeper's and the runtime's metrics.
 */
import { Runtime } from '@temporalio/worker';
import { loadEnvOrExit } from '../config/env';
import { createLogger } from '../log';
import { createMetrics } from '../observability/metrics';
import { startMetricsServer } from '../observability/metrics-server';
import { createTemporalLogger } from '../observability/runtime-logger';
import { freePort } from './dev-server';
import { createChainkeeperWorker } from './worker';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const env = loadEnvOrExit();
const log = createLogger(env.LOG_LEVEL);
// The runtime's own exporter listens on a private port; our /metrics appends its text.
const runtimeMetricsPort = await freePort();
Runtime.install({
  logger: createTemporalLogger(log),
  telemetryOptions: {
    logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
    metrics: { prometheus: { bindAddress: `127.0.0.1:${runtimeMetricsPort}` } },
  },
});
const metrics = createMetrics();
const metricsServer = await startMetricsServer({
  registry: metrics.registry,
  host: env.CHAINKEEPER_METRICS_HOST,
  port: env.CHAINKEEPER_METRICS_PORT,
  runtimeMetricsUrl: `http://127.0.0.1:${runtimeMetricsPort}/metrics`,
  log,
});
const worker = await createChainkeeperWorker(env, { log, metrics }).catch((error: unknown) => {
  // Missing keys, an unreachable store or server, workflow code that does not bundle: say so and stop.
  log.fatal(
    { problem: error instanceof Error ? error.name : 'unknown' },
    `the worker cannot start: ${errorText(error)}`,
  );
  return process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'stopping the worker');
    worker.shutdown();
  });
}
log.info(
  { taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE, metrics: `${metricsServer.url}/metrics` },
  'worker running',
);
await worker.run();
await metricsServer.close();
log.info('worker stopped');
