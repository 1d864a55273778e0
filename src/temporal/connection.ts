import type { ChainkeeperEnv } from '../config/env';

/** The local default when TEMPORAL_ADDRESS is not set (`temporal server start-dev`). */
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/** Connection options for both the client's Connection and the worker's NativeConnection. */
export function connectionOptions(env: ChainkeeperEnv): { address: string; tls?: boolean; apiKey?: string } {
  const address = env.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS;
  // An API key (Temporal Cloud) only ever travels over TLS.
  const tls = env.TEMPORAL_TLS || Boolean(env.TEMPORAL_API_KEY);
  return { address, ...(tls ? { tls: true } : {}), ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}) };
}
