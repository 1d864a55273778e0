import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { requireTool } from './tools';

/** How to start a local Temporal dev server (`temporal server start-dev`). */
export interface DevServerOptions {
  /** Frontend gRPC port. @default a free port */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  ip?: string;
  /** SQLite file that keeps workflows across restarts. @default in memory (lost on exit) */
  dbFilename?: string;
  /** Web UI port; `false` runs headless. @default false */
  uiPort?: number | false;
  /** Codec server the Web UI uses to show encrypted payloads. @default none */
  uiCodecEndpoint?: string;
  /** Extra `--dynamic-config-value KEY=JSON` settings. @default none */
  dynamicConfig?: Record<string, unknown>;
  /** Seconds to wait until the server answers. @default 60 */
  startTimeoutS?: number;
  /** Where the server's own output goes. @default 'ignore' */
  stdio?: 'ignore' | 'inherit';
}

export interface DevServer {
  /** host:port of the gRPC frontend. */
  address: string;
  /** URL of the Web UI, when it runs. */
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on loopback, chosen by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const TEMPORAL_TYPE_NAMES: Record<string, string> = { KEYWORD: 'Keyword', DATETIME: 'Datetime' };

/**
 * Starts the dev server ourselves rather than through the SDK's `createLocal`, whose fixed 5 s start-up
 * timeout is too short on a busy 2-core machine with a fresh SQLite file.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'error'];
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  // The UI's news feed lives on the internet; chainkeeper's machines reach only what they need.
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${TEMPORAL_TYPE_NAMES[key.type]}`);
  const dynamicConfig = {
    'frontend.enableUpdateWorkflowExecution': true,
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
    ...options.dynamicConfig,
  };
  for (const [key, value] of Object.entries(dynamicConfig)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const child = spawn(requireTool('cli'), args, {
    stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `${ip}:${port}`;
  const deadline = Date.now() + (options.startTimeoutS ?? 60) * 1000;
  for (;;) {
    const code = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 250))]);
    if (code !== undefined) throw new Error(`temporal server start-dev exited with code ${code} before it answered`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal dev server at ${address} did not answer within ${options.startTimeoutS ?? 60}s`, {
          cause: err,
        });
      }
    }
  }

  return {
    address,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
