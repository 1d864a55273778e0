import { containerWorkflowId } from '../../workflows';
import { accessTokenQuery } from '../../workflows/container/messages';
import type { Stack } from './stack';
import { percentile, round } from './stats';

export interface QueryLevel {
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
 * `accessToken` queries from `consumers` concurrent consumers for `durationS`, each picking the next container
 * in turn, through the encrypting client as a consumer would (`getAccessToken` adds nothing but this query).
 */
export async function measureQueries(
  stack: Stack,
  aliases: readonly string[],
  consumers: number,
  durationS: number,
): Promise<QueryLevel> {
  const handles = aliases.map((alias) => stack.client.client.workflow.getHandle(containerWorkflowId(alias)));
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const startedAt = performance.now();
  const endAt = startedAt + durationS * 1000;
  const consumer = async () => {
    while (performance.now() < endAt) {
      const handle = handles[next++ % handles.length]!;
      const sentAt = performance.now();
      try {
        await handle.query(accessTokenQuery);
        latencies.push(performance.now() - sentAt);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: consumers }, consumer));
  const elapsedS = (performance.now() - startedAt) / 1000;
  return {
    consumers,
    queries: latencies.length,
    queriesPerS: round(latencies.length / elapsedS)!,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(percentile(latencies, 100)),
    failures,
  };
}
