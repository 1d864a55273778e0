import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import type { Timeline } from './timeline';

/**
 * A Temporal dev server on a SQLite file and a fixed port, so it can be stopped and started again mid-run with
 * every workflow, timer and task queue kept, and clients reconnect to the same address.
 */
export class RestartableDevServer {
  private server: DevServer | undefined;

  private constructor(
    private readonly dbFilename: string,
    private readonly port: number,
    private readonly timeline?: Timeline,
  ) {}

  static async start(dbFilename: string, timeline?: Timeline): Promise<RestartableDevServer> {
    const server = new RestartableDevServer(dbFilename, await freePort(), timeline);
    await server.startOnce();
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Stops the server (SIGTERM), then starts it again on the same file and port; resolves when it answers. */
  async restart(): Promise<{ downMs: number }> {
    const stoppedAt = Date.now();
    await this.stop();
    await this.startOnce();
    return { downMs: Date.now() - stoppedAt };
  }

  /**
   * SIGKILLs the server (no shutdown of any kind: what a crash or an OOM kill does), then starts it again on the
   * same file and port; resolves when it answers.
   */
  async killAndRestart(): Promise<{ downMs: number }> {
    const killedAt = Date.now();
    const server = this.server;
    if (server) {
      this.server = undefined;
      const exited = new Promise<void>((resolve) =>
        server.process.exitCode !== null ? resolve() : server.process.once('exit', () => resolve()),
      );
      server.process.kill('SIGKILL');
      await exited;
      this.timeline?.add('dev-server-kill', { pid: server.process.pid });
    }
    await this.startOnce();
    return { downMs: Date.now() - killedAt };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await server.stop();
    this.timeline?.add('dev-server-stop', { pid: server.process.pid });
  }

  private async startOnce(): Promise<void> {
    const startedAt = Date.now();
    this.server = await startDevServer({ port: this.port, dbFilename: this.dbFilename, startTimeoutS: 120 });
    this.timeline?.add('dev-server-start', {
      address: this.address,
      pid: this.server.process.pid,
      startS: Math.round((Date.now() - startedAt) / 100) / 10,
    });
  }
}
