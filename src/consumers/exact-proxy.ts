import type { Client } from '@temporalio/client';
import { simulatorHostsFromEnv, type ChainkeeperEnv } from '../config/env';
import type { OrgKeyRing } from '../crypto/keys';
import { createHostTable, type HostTable } from '../exact/known-hosts';
import { scaleRules } from '../exact/rules';
import type { Logger } from '../log';
import {
  ConsumerTokensError,
  parseConsumerTokens,
  readConsumerTokensFile,
  type ConsumerEntry,
} from '../proxy/consumer-tokens';
import { TOKEN_MIN_VALIDITY_S, TOKEN_REFRESH_AHEAD_S } from '../proxy/constants';
import { startProxy, type RunningProxy } from '../proxy/server';
import { findExactTarget } from './exact-target';
import { createTokenProvider } from './token-provider';

/** The consumers the configuration names: CHAINKEEPER_PROXY_TOKENS and the entries of CHAINKEEPER_PROXY_TOKENS_FILE. */
export async function consumersFromEnv(env: ChainkeeperEnv): Promise<ConsumerEntry[]> {
  const inline = env.CHAINKEEPER_PROXY_TOKENS === undefined ? [] : parseConsumerTokens(env.CHAINKEEPER_PROXY_TOKENS);
  const file = env.CHAINKEEPER_PROXY_TOKENS_FILE;
  const entries = [...inline, ...(file === undefined ? [] : await readConsumerTokensFile(file))];
  if (entries.length === 0) {
    throw new ConsumerTokensError(
      [
        'no consumer may call the proxy: set CHAINKEEPER_PROXY_TOKENS or CHAINKEEPER_PROXY_TOKENS_FILE (name:token[:aliases])',
      ],
      'proxy',
    );
  }
  // Both sources together must still name every consumer once and give each its own token.
  return parseConsumerTokens(entries.map(toText).join('\n'), 'CHAINKEEPER_PROXY_TOKENS and its file');
}

function toText(entry: ConsumerEntry): string {
  return `${entry.name}:${entry.token}${entry.aliases === 'all' ? '' : `:${[...entry.aliases].join('|')}`}`;
}

export interface ExactProxyOptions {
  consumers: readonly ConsumerEntry[];
  /** The consumer key that opens the containers' sealed tokens: the proxy is their one consumer. */
  consumerKeys: OrgKeyRing;
  log: Logger;
  /** The hosts containers may name, as the worker knows them. @default Exact's, plus CHAINKEEPER_SIMULATOR_ORIGINS' */
  hosts?: HostTable;
}

/**
 * The proxy over a Temporal client: tokens from a token provider (cached, refreshed ahead, opened here and
 * nowhere before), each container's Exact host from its workflow input; host, port, size and timeout settings
 * from the configuration.
 */
export function startExactProxy(
  client: Client,
  env: ChainkeeperEnv,
  options: ExactProxyOptions,
): Promise<RunningProxy> {
  // Compressed-time runs shrink the token's life, and the margins with it.
  const scale = env.CHAINKEEPER_TIME_SCALE;
  const tokens = createTokenProvider(client, {
    minValidityS: TOKEN_MIN_VALIDITY_S * scale,
    refreshAheadS: TOKEN_REFRESH_AHEAD_S * scale,
    rules: scale < 1 ? scaleRules(scale) : undefined,
    consumerKeys: options.consumerKeys,
  });
  const hosts = options.hosts ?? createHostTable(simulatorHostsFromEnv(env));
  return startProxy({
    consumers: options.consumers,
    tokens,
    findTarget: (alias) => findExactTarget(client, alias, hosts),
    extraExactOrigins: hostOrigins(hosts),
    host: env.CHAINKEEPER_PROXY_HOST,
    port: env.CHAINKEEPER_PROXY_PORT,
    maxRequestBytes: env.CHAINKEEPER_PROXY_MAX_BYTES,
    timeoutMs: env.CHAINKEEPER_PROXY_TIMEOUT_MS,
    log: options.log,
  });
}

/** The origins of every host in the table: the only ones the proxy sends a token to. */
function hostOrigins(hosts: HostTable): string[] {
  return hosts.keys.flatMap((key) => {
    const found = hosts.lookup({ host: key });
    return found.ok ? [new URL(found.host.baseUrl).origin] : [];
  });
}
