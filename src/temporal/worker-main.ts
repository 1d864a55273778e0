/** `npm run worker`: one chainkeeper worker from environment configuration (see the README's table). */
import { ConfigError, loadEnv } from '../config/env';
import { createLogger } from '../log';
import { createChainkeeperWorker } from './worker';

const env = (() => {
  try {
    return loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
})();
const log = createLogger(env.LOG_LEVEL);
const worker = await createChainkeeperWorker(env, { log });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'stopping the worker');
    worker.shutdown();
  });
}
log.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE }, 'worker running');
await worker.run();
log.info('worker stopped');
