import { readdirSync, readFileSync } from 'node:fs';

/**
 * What the soak needs to know about Linux processes, read from /proc: the children a worker started (Playwright
 * puts Chromium in a process group of its own, so killing the worker's group alone would orphan it), and every
 * process that carries the soak's run id in its environment (for the stray check at the end).
 */

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The parent pid from /proc/<pid>/stat, or undefined when the process is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may hold spaces or parentheses itself: read after the last one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** Every process below `root`, children first, found in one pass over /proc. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of pids()) {
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0 && found.length < 10_000) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Processes whose environment holds `name=value`, with their command line (for the stray report). */
export function processesWithEnv(name: string, value: string): { pid: number; command: string }[] {
  const needle = `${name}=${value}`;
  const found: { pid: number; command: string }[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      if (!environ.includes(needle)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid, command: command.slice(0, 200) });
    } catch {
      // Gone in the meantime, or not ours to read: either way not a stray of this run.
    }
  }
  return found;
}

/** Sends a signal, ignoring a process that has already exited. */
export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
