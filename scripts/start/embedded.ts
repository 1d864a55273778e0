import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createExactGateway, type ExactGateway } from '../../activities/exact-gateway';
import {
  appsFromEnv,
  codecOidcFromEnv,
  simulatorHostsFromEnv,
  simulatorLoginOrigins,
  type ChainkeeperEnv,
} from '../../src/config/env';
import { sealCredentials } from '../../src/credentials/credentials';
import { startCodecServer } from '../../src/crypto/codec-server';
import { loadKeyDirectory } from '../../src/crypto/key-directory';
import { createHostTable } from '../../src/exact/known-hosts';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { scaleRules } from '../../src/exact/rules';
import type { Logger } from '../../src/log';
import { createSimulator, type Simulator } from '../../src/simulator';
import { createChainkeeperClient } from '../../src/temporal/client';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { createChainkeeperWorker } from '../../src/temporal/worker';
import { DEMO_APP_ID, enrollDemoContainers } from './demo-containers';
import { startEmbeddedProxy } from './proxy';

export interface EmbeddedOptions {
  /** Folder for Temporal's SQLite file, the simulator's state and (by default) the store and keys. */
  dataDir: string;
  /** gRPC port of the dev server started when TEMPORAL_ADDRESS is not set. @default 7233 */
  temporalPort?: number;
  log: Logger;
}

export interface Embedded {
  temporalAddress: string;
  uiUrl?: string;
  codecUrl: string;
  simulatorUrl?: string;
  containers: { alias: string; summary: string }[];
  /** The Exact API proxy: its URL, and where its consumer token is. */
  proxy: { url: string; hint: string };
  stop(): Promise<void>;
}

const DEMO_REDIRECT_URI = 'http://127.0.0.1:18871/callback';

/**
 * chainkeeper on embedded defaults: a dev server with its Web UI (unless TEMPORAL_ADDRESS is set), the codec
 * server, the simulator with demo containers (unless an Exact app is configured) and a worker. On failure
 * everything already started is stopped again.
 */
export async function startEmbedded(env: ChainkeeperEnv, options: EmbeddedOptions): Promise<Embedded> {
  const { log } = options;
  mkdirSync(options.dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.splice(0)) {
      await step().catch((error: unknown) =>
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'while stopping'),
      );
    }
  };
  try {
    const keys = await loadKeyDirectory(env.CHAINKEEPER_KEYS_DIR, { createIfMissing: true });
    const codec = await startCodecServer({
      codec: await SodiumPayloadCodec.create(keys.history),
      host: env.CHAINKEEPER_CODEC_HOST,
      port: env.CHAINKEEPER_CODEC_PORT,
      authToken: env.CHAINKEEPER_CODEC_TOKEN,
      oidc: codecOidcFromEnv(env),
      allowedOrigins: env.CHAINKEEPER_CODEC_ORIGINS,
    });
    stops.unshift(() => codec.close());

    let server: DevServer | undefined;
    if (!env.TEMPORAL_ADDRESS) {
      server = await startDevServer({
        port: options.temporalPort ?? 7233,
        uiPort: env.TEMPORAL_UI_PORT,
        dbFilename: join(options.dataDir, 'temporal.db'),
        uiCodecEndpoint: codec.url,
      });
      stops.unshift(() => server!.stop());
    }
    const temporalAddress = env.TEMPORAL_ADDRESS ?? server!.address;
    let workerEnv: ChainkeeperEnv = { ...env, TEMPORAL_ADDRESS: temporalAddress };

    let simulator: Simulator | undefined;
    let exact: ExactGateway | undefined;
    if (!appsFromEnv(env).default) {
      simulator = createSimulator({
        host: env.SIMULATOR_HOST,
        port: env.SIMULATOR_PORT,
        rules: env.CHAINKEEPER_TIME_SCALE < 1 ? scaleRules(env.CHAINKEEPER_TIME_SCALE) : undefined,
        stateFile: join(options.dataDir, 'simulator.json'),
      });
      await simulator.start();
      stops.unshift(() => simulator!.stop());
      const app =
        simulator.state.findApp(DEMO_APP_ID) ??
        simulator.control.addApp({ clientId: DEMO_APP_ID, redirectUri: DEMO_REDIRECT_URI });
      // The worker serves this simulator as host `simulator` (its start host; both hosts may receive logins), with
      // Exact's rules at CHAINKEEPER_TIME_SCALE: the same worker configuration a separate simulator would need.
      workerEnv = {
        ...workerEnv,
        CHAINKEEPER_SIMULATOR_ORIGINS: simulator.loginOrigins.map((origin) => ({ origin: new URL(origin).origin })),
      };
      exact = createExactGateway({
        apps: { default: app },
        extraLoginOrigins: simulatorLoginOrigins(workerEnv),
        hosts: createHostTable(simulatorHostsFromEnv(workerEnv)),
      });
    }

    const worker = await createChainkeeperWorker(workerEnv, { createKeysIfMissing: true, exact, log });
    const running = worker.run();
    stops.unshift(async () => {
      worker.shutdown();
      await running;
    });

    const ck = await createChainkeeperClient(workerEnv);
    stops.unshift(() => ck.close());
    const containers = simulator
      ? await enrollDemoContainers({
          ck,
          simulator,
          seal: (credentials) => sealCredentials(keys.org.current, credentials),
        })
      : [];
    const proxy = await startEmbeddedProxy(workerEnv, { client: ck.client, dataDir: options.dataDir, log });
    stops.unshift(() => proxy.close());
    return {
      temporalAddress,
      uiUrl: server?.uiUrl,
      codecUrl: codec.url,
      simulatorUrl: simulator?.baseUrl,
      containers,
      proxy: { url: proxy.url, hint: proxy.hint },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
