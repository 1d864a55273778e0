import { createTokenProvider } from '../../src/consumers/token-provider';
import { containerWorkflowId } from '../../workflows';
import { accessTokenQuery } from '../../workflows/container/messages';
import type { Stack } from './stack';
import { percentile, round } from './stats';

export interface QueryLevel {
  /** `query`: the bare `accessToken` query; `provider`: `createTokenProvider`'s cache in front of it. */
  via: 'query' | 'provider';
  /** Consumers asking at once, each one query after the other. */
  consumers: number;
  queries: number;
  queriesPerS: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** Queries that threw (none expected: every container holds a token). */
  failures: number;
}

/**
 * Tokens asked by `consumers` concurrent consumers for `durationS`, each picking the next container in turn: with
 * the bare `accessToken` query through the encrypting client (`getAccessToken` adds nothing but this query), or
 * through one token provider shared by all of them, as a consumer process would hold it.
 */
export async function measureQueries(
  stack: Stack,
  aliases: readonly string[],
  consumers: number,
  durationS: number,
  via: QueryLevel['via'] = 'query',
): Promise<QueryLevel> {
  const handles = aliases.map((alias) => stack.client.client.workflow.getHandle(containerWorkflowId(alias)));
  const provider = createTokenProvider(stack.client.client, { consumerKeys: stack.consumerKeys });
  const ask =
    via === 'query'
      ? (i: number) => handles[i % handles.length]!.query(accessTokenQuery)
      : (i: number) => provider.get(aliases[i % aliases.length]!);
  if (via === 'provider') {
    // Steady state: each alias's first token is one bare query (measured above); the provider's figure is after it.
    for (let i = 0; i < aliases.length; i += 50)
      await Promise.all(aliases.slice(i, i + 50).map((a) => provider.get(a)));
  }
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const startedAt = performance.now();
  const endAt = startedAt + durationS * 1000;
  const consumer = async () => {
    while (performance.now() < endAt) {
      const sentAt = performance.now();
      try {
        await ask(next++);
        latencies.push(performance.now() - sentAt);
      } catch {
        failures++;
      }
      // A consumer does other work between tokens; a cached answer must not keep the event loop from others' I/O.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: consumers }, consumer));
  const elapsedS = (performance.now() - startedAt) / 1000;
  return {
    via,
    consumers,
    queries: latencies.length,
    queriesPerS: round(latencies.length / elapsedS)!,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(percentile(latencies, 100)),
    failures,
  };
}
