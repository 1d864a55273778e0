import type { Command } from 'commander';
import { consumerKeyPath, loadEnv } from '../../config/env';
import { consumersFromEnv, startExactProxy } from '../../consumers/exact-proxy';
import { loadConsumerKeys } from '../../crypto/consumer-keys';
import { createLogger } from '../../log';
import { withTemporal } from './connect';

/**
 * Runs the Exact API proxy until SIGINT or SIGTERM. Everything is checked before it listens: the consumer tokens,
 * the consumer key that opens the containers' tokens, and Temporal.
 */
async function runProxy(): Promise<void> {
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL);
  const consumers = await consumersFromEnv(env);
  const consumerKeys = await loadConsumerKeys(consumerKeyPath(env));
  await withTemporal(async ({ client }) => {
    const proxy = await startExactProxy(client, env, { consumers, consumerKeys, log });
    console.error(
      `chainkeeper: Exact API proxy on ${proxy.url} for ${consumers.length} consumer(s); ` +
        `try: curl -H "Authorization: Bearer <token>" ${proxy.url}/<alias>/api/v1/current/Me`,
    );
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    console.error('chainkeeper: proxy stopping');
    await proxy.close();
  });
}

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description(
      "serve Exact's REST API to consumers at /<alias>/api/v1/…: each with its own bearer token " +
        '(CHAINKEEPER_PROXY_TOKENS or _FILE), Exact tokens and limits kept by chainkeeper',
    )
    .action(runProxy);
}
