import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Child processes of the benchmark and what /proc says about them. Every child is registered so that a
 * failed phase, Ctrl-C or SIGTERM still stops it: the benchmark leaves no process behind.
 */

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

/** Kernel clock ticks per second for /proc/<pid>/stat (USER_HZ is 100 on every Linux we run on). */
const CLOCK_TICKS_PER_S = 100;

/** Starts a TypeScript entry point under tsx in its own Node process, with an IPC channel. */
export function spawnTsx(
  entry: string,
  options: { env: NodeJS.ProcessEnv; stdio: 'ignore' | number; nodeArgs?: string[] },
): ChildProcess {
  const args = [...(options.nodeArgs ?? []), '--import', 'tsx'];
  const stdio: StdioOptions = ['ignore', options.stdio, options.stdio, 'ipc'];
  const child = spawn(process.execPath, [...args, entry], { env: options.env, stdio });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Registers a teardown step that runs, newest first, at the end or on interruption. */
export function onTeardown(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

/** Runs every teardown step (each at most once), then kills any child still alive. */
export async function teardown(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup();
    } catch (error) {
      console.error(`teardown step failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const child of children) child.kill('SIGKILL');
}

/** Stops a child with SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Ctrl-C and SIGTERM tear everything down before the process exits. Repeated signals (a terminal sends one to the
 * whole process group, a wrapper may forward another) are ignored while the bounded teardown runs.
 */
export function teardownOnSignals(): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping the benchmark's processes`);
      void teardown().finally(() => process.exit(130));
    });
  }
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** CPU seconds of this process (the simulator and the benchmark driver). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Resident memory of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) / 1024;
}

/** A CPU meter over a window: cores used by each named process between `start()` and `stop()`. */
export function cpuMeter(pids: Record<string, number | 'self'>): { stop(): Record<string, number> } {
  const read = (pid: number | 'self') => (pid === 'self' ? ownCpuSeconds() : cpuSeconds(pid));
  const startedAt = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, read(pid)]));
  return {
    stop() {
      const elapsedS = (performance.now() - startedAt) / 1000;
      return Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => [name, (read(pid) - before[name]!) / elapsedS]),
      );
    },
  };
}
