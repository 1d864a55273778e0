import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type Embedded } from '../../scripts/start/embedded';
import { loadEnv } from '../../src/config/env';
import { createLogger } from '../../src/log';
import { freePort } from '../../src/temporal/dev-server';

/** What `npm start` brings up, on free ports and a temporary data folder, plus where its parts answer. */
export interface WebUiStack {
  embedded: Embedded;
  uiUrl: string;
  codecUrl: string;
  temporalAddress: string;
  stop(): Promise<void>;
}

/**
 * `npm start`'s embedded defaults (dev server with Web UI, codec server, simulator with demo-1..3, worker) with
 * Exact's rules at `timeScale` of real time, so a refresh comes every few seconds instead of every 9.5 minutes.
 */
export async function startWebUiStack(timeScale: number): Promise<WebUiStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chainkeeper-web-ui-'));
  const uiPort = await freePort();
  const env = loadEnv({
    TEMPORAL_UI_PORT: String(uiPort),
    CHAINKEEPER_CODEC_PORT: String(await freePort()),
    // The UI calls the codec server from the browser, so the codec server must allow the UI's origin.
    CHAINKEEPER_CODEC_ORIGINS: `http://127.0.0.1:${uiPort}`,
    SIMULATOR_PORT: String(await freePort()),
    CHAINKEEPER_PROXY_PORT: String(await freePort()),
    CHAINKEEPER_KEYS_DIR: join(dataDir, 'keys'),
    CHAINKEEPER_STORE_URL: `sqlite:${join(dataDir, 'chainkeeper.db')}`,
    CHAINKEEPER_TIME_SCALE: String(timeScale),
    LOG_LEVEL: 'error',
    CHROMIUM_PATH: process.env.CHROMIUM_PATH,
  });
  try {
    const embedded = await startEmbedded(env, { dataDir, temporalPort: await freePort(), log: createLogger('error') });
    const uiUrl = embedded.uiUrl;
    if (!uiUrl) {
      await embedded.stop();
      throw new Error('startEmbedded started no Web UI although TEMPORAL_ADDRESS is unset');
    }
    return {
      embedded,
      uiUrl,
      codecUrl: embedded.codecUrl,
      temporalAddress: embedded.temporalAddress,
      async stop() {
        await embedded.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
