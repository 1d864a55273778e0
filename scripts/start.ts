/**
 * `npm start`: chainkeeper on embedded defaults, for a first look or a one-machine setup. Starts (each only when
 * needed) a local Temporal dev server with its Web UI, the codec server that lets the UI show encrypted payloads,
 * the Exact Online simulator with three demo containers (one with credentials for auto-recovery), and a worker.
 * State lives under data/, so a restart carries on where it stopped. Ctrl-C stops everything.
 */
import { resolve } from 'node:path';
import { loadEnvOrExit } from '../src/config/env';
import { createLogger } from '../src/log';
import { PROJECT_ROOT } from '../src/temporal/tools';
import { startEmbedded } from './start/embedded';

const env = loadEnvOrExit();
const log = createLogger(env.LOG_LEVEL);
const say = (line: string) => console.log(`chainkeeper: ${line}`);

let embedded;
try {
  embedded = await startEmbedded(env, { dataDir: resolve(PROJECT_ROOT, 'data'), log });
} catch (error) {
  log.error({ err: error instanceof Error ? error.message : String(error) }, 'start failed');
  process.exit(1);
}

say(`Temporal at ${embedded.temporalAddress}`);
if (embedded.uiUrl) say(`Web UI: ${embedded.uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows`);
say(`codec server: ${embedded.codecUrl} (the Web UI decodes payloads through it)`);
if (embedded.simulatorUrl) say(`Exact Online simulator: ${embedded.simulatorUrl}`);
for (const container of embedded.containers) say(`container ${container.alias}: ${container.summary}`);
say(`Exact API proxy: ${embedded.proxy.url} (${embedded.proxy.hint})`);
say(`worker on task queue ${env.TEMPORAL_TASK_QUEUE}; try: npm run chainkeeper -- status demo-1`);
say('press Ctrl-C to stop');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say('stopping');
    void embedded.stop().then(() => process.exit(0));
  });
}
