import type { SimApp } from '../../src/simulator';
import type { SoakDir } from './work-dir';

/** Marks every process of one run (inherited by Chromium), so the end can prove none is left. */
export const RUN_ENV = 'CHAINKEEPER_SOAK_RUN';

/** The worker's environment: the parent's, minus any chainkeeper/Exact/Temporal setting, plus the run's own. */
export function workerEnv(settings: {
  runId: string;
  address: string;
  taskQueue: string;
  dir: SoakDir;
  app: SimApp;
  /**
   * The simulator's login origins: the only pages besides Exact's that may receive credentials. The first is the
   * host containers name as `simulator`.
   */
  simulatorOrigins: readonly string[];
  /** Exact's rules on the simulator run at this fraction of real time: the workflow takes them from the worker. */
  timeScale: number;
  httpTimeoutMs: number;
  containers: number;
  /** The store (`postgres://…`); default the work directory's SQLite file. */
  storeUrl?: string;
}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(CHAINKEEPER_|EXACT_|TEMPORAL_)/.test(key) || /^TEMPORAL_(CLI|TEST_SERVER)_PATH$/.test(key),
    ),
  );
  return {
    ...inherited,
    TEMPORAL_ADDRESS: settings.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: settings.taskQueue,
    CHAINKEEPER_STORE_URL: settings.storeUrl ?? `sqlite:${settings.dir.storeDb}`,
    CHAINKEEPER_KEYS_DIR: settings.dir.keysDir,
    CHAINKEEPER_METRICS_PORT: '0',
    EXACT_CLIENT_ID: settings.app.clientId,
    EXACT_CLIENT_SECRET: settings.app.clientSecret,
    EXACT_REDIRECT_URI: settings.app.redirectUri,
    CHAINKEEPER_SIMULATOR_ORIGINS: settings.simulatorOrigins.join(','),
    CHAINKEEPER_TIME_SCALE: String(settings.timeScale),
    EXACT_HTTP_TIMEOUT_MS: String(settings.httpTimeoutMs),
    // Every container cached, whatever the machine's heap: at the soak's compressed cadence (×20) a container
    // outside the cache replays its run every 28 s instead of every 9.5 minutes, and those replays alone saturate
    // two cores (seen in a run with a cache of 100: workflow tasks of 8 s, chains late).
    CHAINKEEPER_WORKFLOW_CACHE_SIZE: String(Math.max(2, settings.containers + 20)),
    LOG_LEVEL: 'info',
    [RUN_ENV]: settings.runId,
  };
}
