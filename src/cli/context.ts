import { loadEnv } from '../config/env';
import { createChainkeeperClient, type ChainkeeperClient } from '../temporal/client';

/** Runs a command with a connected client and closes it afterwards. */
export async function withClient<T>(run: (ck: ChainkeeperClient) => Promise<T>): Promise<T> {
  const ck = await createChainkeeperClient(loadEnv());
  try {
    return await run(ck);
  } finally {
    await ck.close();
  }
}
