import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/temporal/tools';
import { descendantsOf, signalQuietly } from './process-tree';
import type { Timeline } from './timeline';

/** The line worker-main logs once the worker polls. */
const READY_MESSAGE = '"msg":"worker running"';
/** A supervisor that restarts forever is a loop; this bounds it well above what any soak needs. */
const MAX_STARTS = 1000;

export interface WorkerSupervisorOptions {
  /** The worker's whole environment (TEMPORAL_ADDRESS, store, keys, app, …). */
  env: NodeJS.ProcessEnv;
  /** Project root of the code the worker runs (see code-snapshot.ts). @default this repository */
  projectRoot?: string;
  logsDir: string;
  timeline: Timeline;
  /** Real ms a start may take (the SDK bundles the workflows first). @default 180_000 */
  readyTimeoutMs?: number;
  /** Pause before starting again after an exit nobody asked for (e.g. the dev server was down). @default 2000 */
  restartDelayMs?: number;
  /** Which worker this is when several run (`2` → logs/worker-2.stdout.log, `worker: 2` on timeline events). */
  name?: string;
}

interface Incarnation {
  n: number;
  child: ChildProcess;
  startedAtMs: number;
  readyAtMs?: number;
  ready: Promise<void>;
  exited: Promise<void>;
  killed: boolean;
}

/**
 * The worker as a separate process, the way a process supervisor runs it: started, SIGKILLed (with every process
 * it started, Chromium included), started again after any exit until `stop()`. Its stdout and stderr go to
 * log files, which the leak scan reads.
 */
export class WorkerSupervisor {
  private current: Incarnation | undefined;
  private supervising = false;
  private starts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly stdout: WriteStream;
  private readonly stderr: WriteStream;
  private readonly readyTimeoutMs: number;
  private readonly restartDelayMs: number;
  private readonly tag: Record<string, string>;

  constructor(private readonly options: WorkerSupervisorOptions) {
    const file = options.name === undefined ? 'worker' : `worker-${options.name}`;
    this.stdout = createWriteStream(join(options.logsDir, `${file}.stdout.log`), { flags: 'a', mode: 0o600 });
    this.stderr = createWriteStream(join(options.logsDir, `${file}.stderr.log`), { flags: 'a', mode: 0o600 });
    this.tag = options.name === undefined ? {} : { worker: options.name };
    this.readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
    this.restartDelayMs = options.restartDelayMs ?? 2000;
  }

  /** Starts supervising and resolves when the first worker polls. */
  async start(): Promise<void> {
    this.supervising = true;
    await this.waitReady();
  }

  /** How long the current worker has been polling, or undefined while none is. */
  upForMs(): number | undefined {
    const ready = this.current?.readyAtMs;
    return ready === undefined ? undefined : Date.now() - ready;
  }

  /** Waits until a worker polls, starting one when none runs. */
  async waitReady(timeoutMs = this.readyTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const incarnation = this.current ?? (this.supervising ? this.spawn() : undefined);
      if (!incarnation) throw new Error('the worker is not supervised: call start() first');
      const left = deadline - Date.now();
      const outcome = await Promise.race([
        incarnation.ready.then(() => 'ready' as const),
        incarnation.exited.then(() => 'exited' as const),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), left).unref()),
      ]);
      if (outcome === 'ready') return;
      if (outcome === 'exited') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no worker polled within ${Math.round(timeoutMs / 1000)} s (see logs/worker.stderr.log)`);
  }

  /** SIGKILLs the worker's process group and every process below it; the supervisor starts a new one. */
  async kill(detail: Record<string, unknown> = {}): Promise<void> {
    await this.killNow(detail);
  }

  /**
   * The signals of {@link kill}, sent before this returns (so a caller in the middle of answering the worker can
   * make it die before the answer is written); the promise resolves once the worker has exited.
   */
  killNow(detail: Record<string, unknown> = {}): Promise<void> {
    const incarnation = this.current;
    if (!incarnation?.child.pid || incarnation.killed) return incarnation?.exited ?? Promise.resolve();
    const pid = incarnation.child.pid;
    incarnation.killed = true;
    const below = descendantsOf(pid);
    signalQuietly(-pid, 'SIGKILL');
    for (const child of below) signalQuietly(child, 'SIGKILL');
    this.options.timeline.add('worker-kill', {
      ...this.tag,
      incarnation: incarnation.n,
      pid,
      alsoKilled: below.length,
      upForS: incarnation.readyAtMs === undefined ? null : Math.round((Date.now() - incarnation.readyAtMs) / 1000),
      ...detail,
    });
    return incarnation.exited;
  }

  /** Stops supervising and lets the worker shut down (SIGTERM), killing it after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    this.supervising = false;
    clearTimeout(this.restartTimer);
    const incarnation = this.current;
    if (incarnation?.child.pid !== undefined && incarnation.child.exitCode === null) {
      signalQuietly(incarnation.child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        const pid = incarnation.child.pid as number;
        const below = descendantsOf(pid);
        signalQuietly(-pid, 'SIGKILL');
        for (const child of below) signalQuietly(child, 'SIGKILL');
      }, graceMs);
      await incarnation.exited;
      clearTimeout(timer);
    }
    await Promise.all([
      new Promise<void>((resolve) => this.stdout.end(resolve)),
      new Promise<void>((resolve) => this.stderr.end(resolve)),
    ]);
  }

  private spawn(): Incarnation {
    if (this.starts >= MAX_STARTS) throw new Error(`the worker was started ${MAX_STARTS} times; giving up`);
    const n = ++this.starts;
    this.stdout.write(`${JSON.stringify({ soak: 'worker-start', incarnation: n, at: new Date().toISOString() })}\n`);
    const root = this.options.projectRoot ?? PROJECT_ROOT;
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/temporal/worker-main.ts')], {
      cwd: root,
      env: this.options.env,
      // Its own process group, so one signal reaches the worker and whatever it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const incarnation: Incarnation = { n, child, startedAtMs: Date.now(), ready, exited, killed: false };
    this.current = incarnation;
    this.options.timeline.add('worker-start', { ...this.tag, incarnation: n, pid: child.pid });

    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout.write(chunk);
      if (incarnation.readyAtMs !== undefined) return;
      pending = (pending + chunk.toString('utf8')).slice(-4096);
      if (pending.includes(READY_MESSAGE)) {
        incarnation.readyAtMs = Date.now();
        this.options.timeline.add('worker-ready', {
          ...this.tag,
          incarnation: n,
          startS: Math.round((incarnation.readyAtMs - incarnation.startedAtMs) / 100) / 10,
        });
        markReady();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.write(chunk));
    child.once('exit', (code, signal) => {
      if (!incarnation.killed) {
        this.options.timeline.add('worker-exit', {
          ...this.tag,
          incarnation: n,
          code,
          signal,
          supervising: this.supervising,
        });
      }
      if (this.current === incarnation) this.current = undefined;
      if (!this.supervising) return;
      // A kill is the test: start again at once. Any other exit gets a pause, so a missing server is not hammered.
      this.restartTimer = setTimeout(
        () => {
          if (this.supervising && !this.current) this.spawn();
        },
        incarnation.killed ? 250 : this.restartDelayMs,
      );
    });
    return incarnation;
  }
}
