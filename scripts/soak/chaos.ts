import type { SoakOptions } from './options';
import type { FaultStorm } from './fault-storm';
import type { RestartableDevServer } from './temporal-server';
import type { Timeline } from './timeline';
import type { WorkerSupervisor } from './worker-process';

export type BreakHow = 'rotate' | 'invalidate' | 'expire';
const BREAK_KINDS: readonly BreakHow[] = ['rotate', 'invalidate', 'expire'];

/** When, in ms after the storm started, each disturbance happens. */
export interface ChaosPlan {
  stormMs: number;
  waves: { onMs: number; offMs: number }[];
  devServerRestartsMs: number[];
  breaks: { atMs: number; how: BreakHow }[];
  /** Successive gaps between worker kills (each ±20 % around the mean). */
  killGapsMs: number[];
}

/** A worker that has polled for less than this is left alone a little longer: a kill must hit a working worker. */
const MIN_WORKER_UP_MS = 3000;
/** The last kill comes at least this long before the storm ends, so the end is not a restart in progress. */
const QUIET_END_MS = 5000;

/**
 * Lays out the storm: fault waves from the start, kills about every `killEverySeconds`, dev-server restarts
 * spread evenly, and the breaks at random moments between 10 % and 75 % of the storm, so every broken chain has
 * time to heal before the end.
 */
export function planChaos(options: SoakOptions, random: () => number): ChaosPlan {
  const stormMs = Math.round(options.minutes * 60_000);
  const waves: ChaosPlan['waves'] = [];
  const onMs = options.waveOnSeconds * 1000;
  const offMs = options.waveOffSeconds * 1000;
  for (let at = 0; at < stormMs && waves.length < 10_000; at += onMs + offMs) {
    waves.push({ onMs: at, offMs: Math.min(at + onMs, stormMs) });
  }
  const devServerRestartsMs = Array.from({ length: options.devServerRestarts }, (_, i) =>
    Math.round(((i + 1) / (options.devServerRestarts + 1)) * stormMs),
  );
  const breaks = Array.from({ length: options.breaks }, (_, i) => ({
    atMs: Math.round((0.1 + 0.65 * random()) * stormMs),
    how: BREAK_KINDS[i % BREAK_KINDS.length] as BreakHow,
  })).sort((a, b) => a.atMs - b.atMs);
  const killGapsMs: number[] = [];
  for (let at = 0; killGapsMs.length < 100_000;) {
    const gap = Math.round(options.killEverySeconds * 1000 * (0.8 + 0.4 * random()));
    if (at + gap > stormMs - QUIET_END_MS) break;
    killGapsMs.push(gap);
    at += gap;
  }
  return { stormMs, waves, devServerRestartsMs, breaks, killGapsMs };
}

export interface StormParts {
  timeline: Timeline;
  faults: FaultStorm;
  worker: WorkerSupervisor;
  server: RestartableDevServer;
  /** Breaks one healthy container's chain the given way. */
  breakOne: (how: BreakHow) => Promise<void>;
  /** Called once a minute, for a progress line. */
  onMinute?: () => void;
  /**
   * Kills the worker the moment Exact next issues a pair, before the answer leaves: the crash window between
   * Exact's work and the journal's write. Resolves false when no pair was issued within a while.
   */
  killAfterNextIssue?: () => Promise<boolean>;
}

/** Runs the plan in real time; returns when the storm is over, with the faults off and a worker starting. */
export async function runStorm(plan: ChaosPlan, parts: StormParts): Promise<void> {
  const startMs = Date.now();
  const endMs = startMs + plan.stormMs;
  parts.timeline.add('storm-start', {
    waves: plan.waves.length,
    kills: plan.killGapsMs.length,
    devServerRestarts: plan.devServerRestartsMs.length,
    breaks: plan.breaks.length,
  });
  const waves = [...plan.waves];
  const restarts = [...plan.devServerRestartsMs];
  const breaks = [...plan.breaks];
  const gaps = [...plan.killGapsMs];
  let nextKillMs = gaps.length > 0 ? startMs + (gaps.shift() as number) : Infinity;
  let nextMinuteMs = startMs + 60_000;
  let kills = 0;
  const background: Promise<void>[] = [];
  const failures: unknown[] = [];
  // Settled at once, so a failing restart or break is reported at the end instead of crashing the process.
  const inBackground = (work: Promise<void>) =>
    background.push(work.catch((error: unknown) => void failures.push(error)));

  while (Date.now() < endMs) {
    const elapsed = Date.now() - startMs;
    const wave = waves[0];
    if (wave && !parts.faults.active && elapsed >= wave.onMs && elapsed < wave.offMs) parts.faults.waveOn();
    if (wave && elapsed >= wave.offMs) {
      parts.faults.waveOff();
      waves.shift();
    }
    if (restarts.length > 0 && elapsed >= (restarts[0] as number)) {
      restarts.shift();
      inBackground(
        parts.server.restart().then(({ downMs }) => void parts.timeline.add('note', { devServerDownMs: downMs })),
      );
    }
    while (breaks.length > 0 && elapsed >= (breaks[0] as { atMs: number }).atMs) {
      const { how } = breaks.shift() as { how: BreakHow };
      inBackground(parts.breakOne(how));
    }
    if (Date.now() >= nextMinuteMs) {
      nextMinuteMs += 60_000;
      parts.onMinute?.();
    }
    const up = parts.worker.upForMs();
    if (Date.now() >= nextKillMs && up !== undefined && up >= MIN_WORKER_UP_MS) {
      // Every other kill is timed to land between Exact's work and the journal's write.
      kills += 1;
      const timed = kills % 2 === 1 && parts.killAfterNextIssue ? await parts.killAfterNextIssue() : false;
      if (!timed) await parts.worker.kill({ timing: 'random' });
      nextKillMs = gaps.length > 0 ? Date.now() + (gaps.shift() as number) : Infinity;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  parts.faults.waveOff();
  await Promise.all(background);
  if (failures.length > 0) throw failures[0];
  parts.timeline.add('storm-end', { kills: parts.timeline.count('worker-kill') });
}

/**
 * Arms a kill that fires from inside the simulator the moment it issues a refreshed pair, before the answer is
 * written: the worker dies with Exact's work done and nothing in the journal.
 */
export class KillOnIssue {
  private fire: (() => void) | undefined;

  constructor(
    private readonly worker: Pick<WorkerSupervisor, 'killNow'>,
    private readonly waitMs = 10_000,
  ) {}

  /** Resolves true once the kill landed right after an issue, false when none came within `waitMs`. */
  arm(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.fire = undefined;
        resolve(false);
      }, this.waitMs);
      this.fire = () => {
        clearTimeout(timer);
        this.fire = undefined;
        void this.worker.killNow({ timing: 'after-issue' }).then(() => resolve(true));
      };
    });
  }

  /** Exact just issued a pair (called synchronously by the simulator observer). */
  issued(): void {
    this.fire?.();
  }
}
