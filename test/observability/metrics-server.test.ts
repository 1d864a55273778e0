import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics';
import { startMetricsServer, type MetricsServer } from '../../src/observability/metrics-server';
import { FAILURE_TYPES } from '../../contract/failures';
import { captureLog } from './capture-log';

async function get(
  url: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<{ status: number; type: string; text: string }> {
  const res = await request(url, { method });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
}

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Stands in for the Temporal runtime's Prometheus exporter. */
async function fakeRuntimeEndpoint(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, server };
}

describe('metrics server', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(options: Omit<Parameters<typeof startMetricsServer>[0], 'port'>): Promise<MetricsServer> {
    const server = await startMetricsServer({ port: 0, ...options });
    cleanups.push(() => server.close());
    return server;
  }

  it('serves every chainkeeper series from the start, at zero, with the default Node metrics', async () => {
    const metrics = createMetrics();
    const server = await start({ registry: metrics.registry });

    const scrape = await get(`${server.url}/metrics`);

    expect(scrape.status).toBe(200);
    expect(scrape.type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const type of ['ok', ...Object.values(FAILURE_TYPES)]) {
      expect(sample(scrape.text, `chainkeeper_refresh_outcomes_total{type="${type}"}`)).toBe(0);
    }
    expect(sample(scrape.text, 'chainkeeper_recoveries_total{result="succeeded"}')).toBe(0);
    expect(sample(scrape.text, 'chainkeeper_recoveries_total{result="failed"}')).toBe(0);
    expect(sample(scrape.text, 'chainkeeper_token_calls_total')).toBe(0);
    for (const status of ['healthy', 'refreshing', 'retrying', 'recovering', 'needs-reauth', 'paused']) {
      expect(sample(scrape.text, `chainkeeper_containers{status="${status}"}`)).toBe(0);
    }
    expect(scrape.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(scrape.text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts refresh outcomes, recoveries and token calls; unknown outcome types count as "other"', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const server = await start({ registry: metrics.registry });

    metrics.refreshOutcome('ok');
    metrics.refreshOutcome('ok');
    metrics.refreshOutcome(FAILURE_TYPES.chainBroken);
    metrics.refreshOutcome('SomethingNew');
    metrics.recovery('succeeded');
    metrics.recovery('failed');
    metrics.recovery('failed');
    metrics.tokenCall();
    metrics.tokenCall();
    metrics.tokenCall();
    const { text } = await get(`${server.url}/metrics`);

    expect(sample(text, 'chainkeeper_refresh_outcomes_total{type="ok"}')).toBe(2);
    expect(sample(text, 'chainkeeper_refresh_outcomes_total{type="ChainBrokenError"}')).toBe(1);
    expect(sample(text, 'chainkeeper_refresh_outcomes_total{type="other"}')).toBe(1);
    expect(text).not.toContain('SomethingNew');
    expect(sample(text, 'chainkeeper_recoveries_total{result="succeeded"}')).toBe(1);
    expect(sample(text, 'chainkeeper_recoveries_total{result="failed"}')).toBe(2);
    expect(sample(text, 'chainkeeper_token_calls_total')).toBe(3);
    expect(text).not.toContain('process_cpu_user_seconds_total');
  });

  it('keeps separate counts per registry, so two workers in one process do not mix', async () => {
    const first = createMetrics({ defaultMetrics: false });
    const second = createMetrics({ defaultMetrics: false });
    first.tokenCall();

    expect(sample(await first.registry.metrics(), 'chainkeeper_token_calls_total')).toBe(1);
    expect(sample(await second.registry.metrics(), 'chainkeeper_token_calls_total')).toBe(0);
  });

  it('appends the Temporal runtime metrics to the same scrape', async () => {
    const runtime = await fakeRuntimeEndpoint(
      '# HELP temporal_request Count of client requests.\n# TYPE temporal_request counter\n' +
        'temporal_request{operation="PollWorkflowTaskQueue"} 7',
    );
    cleanups.push(() => void runtime.server.close());
    const metrics = createMetrics({ defaultMetrics: false });
    const server = await start({ registry: metrics.registry, runtimeMetricsUrl: runtime.url });
    metrics.tokenCall();

    const { text } = await get(`${server.url}/metrics`);

    expect(sample(text, 'chainkeeper_token_calls_total')).toBe(1);
    expect(sample(text, 'temporal_request{operation="PollWorkflowTaskQueue"}')).toBe(7);
    expect(sample(text, 'chainkeeper_runtime_metrics_up')).toBe(1);
    expect(text.indexOf('chainkeeper_token_calls_total')).toBeLessThan(text.indexOf('temporal_request'));
    expect(text.endsWith('\n')).toBe(true);
  });

  it('still serves its own metrics, marked runtime-down, when the runtime endpoint is unreachable', async () => {
    const runtime = await fakeRuntimeEndpoint('');
    const deadUrl = runtime.url;
    await new Promise<void>((resolve) => runtime.server.close(() => resolve()));
    const capture = captureLog();
    const metrics = createMetrics({ defaultMetrics: false });
    const server = await start({ registry: metrics.registry, runtimeMetricsUrl: deadUrl, log: capture.log });

    const scrape = await get(`${server.url}/metrics`);

    expect(scrape.status).toBe(200);
    expect(sample(scrape.text, 'chainkeeper_token_calls_total')).toBe(0);
    expect(sample(scrape.text, 'chainkeeper_runtime_metrics_up')).toBe(0);
    expect(capture.lines.some((line) => line.level === 40 && String(line.failure).startsWith('network'))).toBe(true);
  });

  it('answers /healthz with ok, unknown paths with 404 and other methods with 405', async () => {
    const server = await start({ registry: createMetrics({ defaultMetrics: false }).registry });

    expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 200, text: 'ok' });
    expect((await get(`${server.url}/nope`)).status).toBe(404);
    expect((await get(`${server.url}/metrics`, 'POST')).status).toBe(405);
  });

  it('listens on loopback unless told otherwise', async () => {
    const server = await start({ registry: createMetrics({ defaultMetrics: false }).registry });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });
});
