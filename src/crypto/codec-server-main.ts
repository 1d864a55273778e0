/**
 * `npm run codec-server`: decodes chainkeeper's encrypted payloads for an authorized admin's Temporal Web UI
 * (and `temporal --codec-endpoint`). Needs the history keys of CHAINKEEPER_KEYS_DIR. Modes: loopback (no
 * credential), bearer (CHAINKEEPER_CODEC_TOKEN, for the CLI), OIDC (CHAINKEEPER_CODEC_OIDC_*, for the Web UI).
 */
import { codecOidcFromEnv, loadEnvOrExit } from '../config/env';
import { createLogger } from '../log';
import { startCodecServer } from './codec-server';
import { loadHistoryKeys } from './history-keys';
import { SodiumPayloadCodec } from './payload-codec';

const env = loadEnvOrExit();
const log = createLogger(env.LOG_LEVEL);
const codec = await SodiumPayloadCodec.create(await loadHistoryKeys(env.CHAINKEEPER_KEYS_DIR));
const server = await startCodecServer({
  codec,
  host: env.CHAINKEEPER_CODEC_HOST,
  port: env.CHAINKEEPER_CODEC_PORT,
  authToken: env.CHAINKEEPER_CODEC_TOKEN,
  oidc: codecOidcFromEnv(env),
  allowedOrigins: env.CHAINKEEPER_CODEC_ORIGINS,
  onError: (error) => log.error({ err: error instanceof Error ? error.name : 'unknown' }, 'codec server failure'),
});
const modes = [codecOidcFromEnv(env) && 'OIDC', env.CHAINKEEPER_CODEC_TOKEN && 'bearer'].filter(Boolean);
log.info({ url: server.url, mode: modes.join(' and ') || 'loopback' }, 'codec server running');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
