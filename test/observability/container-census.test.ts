import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { censusQuery, startContainerCensus, type ContainerCensus } from '../../src/observability/container-census';
import { CHAIN_STATUSES, createMetrics } from '../../src/observability/metrics';
import type { ChainStatus } from '../../contract/container';
import { captureLog } from './capture-log';

function gauge(text: string, status: ChainStatus): number | undefined {
  const prefix = `chainkeeper_containers{status="${status}"} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

function censusTimestamp(text: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith('chainkeeper_containers_census_timestamp_seconds '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

/** A visibility counter answering from a table, failing for the statuses listed in `failing`. */
function fakeCounter(counts: Partial<Record<ChainStatus, number>>, failing = new Set<ChainStatus>()) {
  const queries: string[] = [];
  const count = (query: string): Promise<{ count: number }> => {
    queries.push(query);
    const status = /ChainStatus="([^"]+)"/.exec(query)?.[1] as ChainStatus;
    if (failing.has(status)) return Promise.reject(new Error('Failed to count workflows: unavailable'));
    return Promise.resolve({ count: counts[status] ?? 0 });
  };
  return { count, queries };
}

describe('container census', () => {
  let census: ContainerCensus | undefined;
  afterEach(async () => {
    await census?.stop();
    census = undefined;
    vi.useRealTimers();
  });

  it('counts running data containers per status into chainkeeper_containers', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const counter = fakeCounter({ healthy: 950, retrying: 3, 'needs-reauth': 2, paused: 1 });
    census = startContainerCensus({
      count: counter.count,
      metrics,
      log: captureLog().log,
      now: () => 1_700_000_000_000,
    });

    const round = await census.runOnce();

    expect(round.failed).toEqual([]);
    const text = await metrics.registry.metrics();
    expect(gauge(text, 'healthy')).toBe(950);
    expect(gauge(text, 'retrying')).toBe(3);
    expect(gauge(text, 'needs-reauth')).toBe(2);
    expect(gauge(text, 'paused')).toBe(1);
    expect(gauge(text, 'recovering')).toBe(0);
    expect(censusTimestamp(text)).toBe(1_700_000_000);
    expect(counter.queries).toContain(
      'WorkflowType="dataContainer" AND ExecutionStatus="Running" AND ChainStatus="needs-reauth"',
    );
  });

  it('keeps the last values of statuses it could not count, logs the failure and does not stamp the census', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const failing = new Set<ChainStatus>();
    const counts: Partial<Record<ChainStatus, number>> = { healthy: 10, retrying: 4 };
    const capture = captureLog();
    let nowMs = 1_000_000;
    census = startContainerCensus({
      count: fakeCounter(counts, failing).count,
      metrics,
      log: capture.log,
      now: () => nowMs,
    });
    await census.runOnce();

    failing.add('healthy');
    counts.healthy = 99;
    counts.retrying = 5;
    nowMs = 2_000_000;
    const round = await census.runOnce();

    expect(round.failed).toEqual(['healthy']);
    const text = await metrics.registry.metrics();
    expect(gauge(text, 'healthy')).toBe(10);
    expect(gauge(text, 'retrying')).toBe(5);
    expect(censusTimestamp(text)).toBe(1_000);
    const warning = capture.lines.find((line) => line.level === 40);
    expect(warning).toMatchObject({ failedStatuses: ['healthy'], error: 'Failed to count workflows: unavailable' });
  });

  it('counts right away, then every interval, and stops counting when stopped', async () => {
    vi.useFakeTimers();
    const metrics = createMetrics({ defaultMetrics: false });
    const counter = fakeCounter({ healthy: 1 });
    census = startContainerCensus({ count: counter.count, metrics, log: captureLog().log, intervalMs: 60_000 });

    await vi.advanceTimersByTimeAsync(0);
    expect(counter.queries).toHaveLength(CHAIN_STATUSES.length);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(counter.queries).toHaveLength(CHAIN_STATUSES.length);
    await vi.advanceTimersByTimeAsync(1);
    expect(counter.queries).toHaveLength(2 * CHAIN_STATUSES.length);

    await census.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(counter.queries).toHaveLength(2 * CHAIN_STATUSES.length);
  });

  it('keeps its schedule after a round in which every count failed', async () => {
    vi.useFakeTimers();
    const failing = new Set<ChainStatus>(CHAIN_STATUSES);
    const counter = fakeCounter({ paused: 7 }, failing);
    const metrics = createMetrics({ defaultMetrics: false });
    census = startContainerCensus({ count: counter.count, metrics, log: captureLog().log, intervalMs: 1_000 });

    await vi.advanceTimersByTimeAsync(0);
    failing.clear();
    await vi.advanceTimersByTimeAsync(1_000);

    expect(gauge(await metrics.registry.metrics(), 'paused')).toBe(7);
  });

  it("asks queries a real Temporal server accepts, through a client on the worker's native connection", async () => {
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    try {
      const client = new Client({ connection });
      for (const status of CHAIN_STATUSES) {
        // Other test files run containers on this server too: the query must be accepted, the count is theirs.
        const { count } = await client.workflow.count(censusQuery(status));
        expect(count).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await connection.close();
    }
  });
});
