import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Client } from '@temporalio/client';
import { consumerKeyPath, type ChainkeeperEnv } from '../../src/config/env';
import { consumersFromEnv, startExactProxy } from '../../src/consumers/exact-proxy';
import { loadConsumerKeys } from '../../src/crypto/consumer-keys';
import type { Logger } from '../../src/log';
import { PROJECT_ROOT } from '../../src/temporal/tools';

export interface EmbeddedProxy {
  url: string;
  /** A line telling where the consumer token is and how to try it. */
  hint: string;
  close(): Promise<void>;
}

/**
 * The Exact API proxy as `npm start` runs it. Without configured consumers it makes one, `demo`, with a random
 * token in `<dataDir>/proxy-tokens` (mode 600, kept across restarts), and says where it is.
 */
export async function startEmbeddedProxy(
  env: ChainkeeperEnv,
  options: { client: Client; dataDir: string; log: Logger },
): Promise<EmbeddedProxy> {
  const configured = env.CHAINKEEPER_PROXY_TOKENS !== undefined || env.CHAINKEEPER_PROXY_TOKENS_FILE !== undefined;
  const tokensFile = configured ? undefined : await demoTokensFile(join(options.dataDir, 'proxy-tokens'));
  const proxyEnv = tokensFile === undefined ? env : { ...env, CHAINKEEPER_PROXY_TOKENS_FILE: tokensFile };
  const consumers = await consumersFromEnv(proxyEnv);
  const consumerKeys = await loadConsumerKeys(consumerKeyPath(env));
  const proxy = await startExactProxy(options.client, proxyEnv, { consumers, consumerKeys, log: options.log });
  const shown = tokensFile === undefined ? undefined : relative(PROJECT_ROOT, tokensFile);
  const hint =
    shown === undefined
      ? `${consumers.length} consumer(s) from CHAINKEEPER_PROXY_TOKENS(_FILE)`
      : `consumer token in ${shown}; try: curl -H "Authorization: Bearer $(grep -v '^#' ${shown} | cut -d: -f2)" ` +
        `${proxy.url}/demo-1/api/v1/current/Me`;
  return { url: proxy.url, hint, close: () => proxy.close() };
}

/** The file with the demo consumer; written once, never overwritten. */
async function demoTokensFile(file: string): Promise<string> {
  const text =
    '# Consumers of the Exact API proxy: name:token or name:token:alias1|alias2, one a line.\n' +
    `demo:${randomBytes(32).toString('hex')}\n`;
  await writeFile(file, text, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return file;
}
