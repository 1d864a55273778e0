import { loadEnv } from '../../config/env';
import { HistoryKeyError } from '../../crypto/history-keys';
import { OrgKeyError } from '../../crypto/keys';
import { createChainkeeperClient, type ChainkeeperClient } from '../../temporal/client';
import { connectionOptions } from '../../temporal/connection';

/** The Temporal server does not answer at the configured address. */
export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';
  constructor(
    readonly address: string,
    options: { cause: unknown },
  ) {
    const why = options.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(
      `cannot reach Temporal at ${address}${why}: start it, or set TEMPORAL_ADDRESS (and TEMPORAL_TLS or TEMPORAL_API_KEY) to where it runs.`,
      options,
    );
  }
}

/**
 * Runs a command with a connected client and closes it afterwards. A failure to connect becomes one clear
 * error naming the address; key problems keep their own messages.
 */
export async function withTemporal<T>(run: (ck: ChainkeeperClient) => Promise<T>): Promise<T> {
  const env = loadEnv();
  let ck: ChainkeeperClient;
  try {
    ck = await createChainkeeperClient(env);
  } catch (error) {
    if (error instanceof OrgKeyError || error instanceof HistoryKeyError) throw error;
    throw new TemporalUnreachableError(connectionOptions(env).address, { cause: error });
  }
  try {
    return await run(ck);
  } finally {
    await ck.close();
  }
}
