import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { isHttpFailure, sendHttpRequest } from '../exact/http';
import type { Logger } from '../log';

/** Port Prometheus scrapes a worker on (OpenTelemetry's conventional Prometheus exporter port). */
export const DEFAULT_METRICS_PORT = 9464;

export interface MetricsServerOptions {
  /** chainkeeper's registry (`createMetrics().registry`). */
  registry: Registry;
  /** TCP port; 0 lets the OS choose. @default 9464 */
  port?: number;
  /** Interface to listen on; a container that Prometheus scrapes from outside needs '0.0.0.0'. @default '127.0.0.1' */
  host?: string;
  /**
   * The Temporal runtime's own Prometheus endpoint (`http://127.0.0.1:<port>/metrics` of the bindAddress given to
   * `Runtime.install`); its text is served after ours, so one scrape gets both. @default none
   */
  runtimeMetricsUrl?: string;
  /** Longest wait for the runtime's metrics, per phase. @default 2000 */
  runtimeTimeoutMs?: number;
  /** Unexpected failures (answered 500) and an unreachable runtime endpoint are logged here. @default silent */
  log?: Logger;
}

export interface MetricsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const RUNTIME_UP_HELP =
  '# HELP chainkeeper_runtime_metrics_up Whether the Temporal runtime metrics were included in this scrape.\n' +
  '# TYPE chainkeeper_runtime_metrics_up gauge\n';

/** Serves `GET /metrics` (Prometheus text) and `GET /healthz` (200 "ok"). */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const runtimeTimeoutMs = options.runtimeTimeoutMs ?? 2_000;

  async function runtimeText(): Promise<string> {
    if (options.runtimeMetricsUrl === undefined) return '';
    const result = await sendHttpRequest(
      { method: 'GET', url: options.runtimeMetricsUrl, headers: { accept: 'text/plain' } },
      {
        timeouts: { connectMs: runtimeTimeoutMs, headersMs: runtimeTimeoutMs, bodyMs: runtimeTimeoutMs },
        maxBodyBytes: 16 * 1024 * 1024,
      },
    );
    if (isHttpFailure(result) || result.status !== 200) {
      const failure = isHttpFailure(result) ? `${result.failure}: ${result.detail}` : `HTTP ${result.status}`;
      options.log?.warn(
        { failure },
        'metrics: the Temporal runtime metrics endpoint did not answer; serving ours only',
      );
      return `${RUNTIME_UP_HELP}chainkeeper_runtime_metrics_up 0\n`;
    }
    const text = result.bodyText;
    return `${RUNTIME_UP_HELP}chainkeeper_runtime_metrics_up 1\n${text}${text === '' || text.endsWith('\n') ? '' : '\n'}`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics' && path !== '/healthz') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: use GET /metrics or GET /healthz\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end(`${path} takes GET\n`);
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    const [ours, runtime] = await Promise.all([options.registry.metrics(), runtimeText()]);
    res.writeHead(200, { 'Content-Type': options.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(ours.endsWith('\n') || ours === '' ? ours + runtime : `${ours}\n${runtime}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.error({ err: error }, 'metrics: could not answer a scrape');
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error of the metrics server\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_METRICS_PORT, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
