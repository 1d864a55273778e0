import { Client, Connection } from '@temporalio/client';
import type { ChainkeeperEnv } from '../config/env';
import { createDataConverter } from '../crypto/data-converter';
import { loadKeyDirectory } from '../crypto/key-directory';
import { loadHistoryKeys } from '../crypto/history-keys';
import { SodiumPayloadCodec } from '../crypto/payload-codec';
import { connectionOptions } from './connection';

export interface ChainkeeperClient {
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export interface ClientFactoryOptions {
  /** Create missing keys (embedded default only). @default false */
  createKeysIfMissing?: boolean;
}

/** A Temporal client that encrypts what it sends and decrypts what it reads with the history keys. */
export async function createChainkeeperClient(
  env: ChainkeeperEnv,
  options: ClientFactoryOptions = {},
): Promise<ChainkeeperClient> {
  // Talking to Temporal needs the history keys only: an admin's or a consumer's machine holds no private key of
  // the organization (and a consumer's holds its consumer key elsewhere, CHAINKEEPER_CONSUMER_KEY_PATH).
  const history = options.createKeysIfMissing
    ? (await loadKeyDirectory(env.CHAINKEEPER_KEYS_DIR, { createIfMissing: true })).history
    : await loadHistoryKeys(env.CHAINKEEPER_KEYS_DIR);
  const dataConverter = createDataConverter(await SodiumPayloadCodec.create(history));
  const connection = await Connection.connect(connectionOptions(env));
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
  return { client, taskQueue: env.TEMPORAL_TASK_QUEUE, close: () => connection.close() };
}
