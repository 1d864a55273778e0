import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { chromiumPath, PROJECT_ROOT, requireTool } from '../../src/temporal/tools';
import type { Machine } from './results';

/** First line a command prints, or what went wrong; never throws (the report says "unknown" instead). */
function firstLine(command: string, args: string[]): string {
  try {
    const output = execFileSync(command, args, {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return output.split('\n')[0]?.trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What the figures were measured on, and which code they measured. */
export function describeMachine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${type()} ${release()}`,
    temporalCli: firstLine(requireTool('cli'), ['--version']),
    chromium: firstLine(chromiumPath(), ['--version']),
    gitCommit: firstLine('git', ['rev-parse', '--short', 'HEAD']),
    uncommittedFiles: changedFiles(),
    loadAverage: { start: oneMinuteLoad(), end: oneMinuteLoad() },
  };
}

/** The one-minute load average, to two decimals. */
export function oneMinuteLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** Files changed in the working tree (read-only `git status`); -1 when git cannot tell. */
function changedFiles(): number {
  try {
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    return status.split('\n').filter(Boolean).length;
  } catch {
    return -1;
  }
}
