import type { SoakOptions } from './options';
import type { FaultStorm } from './fault-storm';
import type { SoakPostgres } from './postgres-server';
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
  /** PostgreSQL restarts (the first clean, the others like a crash). */
  postgresRestartsMs?: number[];
  /** PostgreSQL refuses writes from `atMs` for `forMs`. */
  readOnly?: { atMs: number; forMs: number };
  /** SIGKILLs of the dev server. */
  devServerKillsMs?: number[];
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
  // The new disturbances apart from the dev-server restart (at the middle) and from each other: PostgreSQL
  // restarts at 20 % and 80 %, read-only from 35 %, the dev-server kill at 65 %.
  const restarts = options.postgresRestarts;
  const postgresRestartsMs = Array.from({ length: restarts }, (_, i) =>
    Math.round((0.2 + (restarts > 1 ? (0.6 * i) / (restarts - 1) : 0)) * stormMs),
  );
  const readOnly =
    options.readOnlySeconds > 0
      ? { atMs: Math.round(0.35 * stormMs), forMs: options.readOnlySeconds * 1000 }
      : undefined;
  const devServerKillsMs = Array.from({ length: options.devServerKills }, (_, i) =>
    Math.round(Math.min(0.9, 0.65 + 0.1 * i) * stormMs),
  );
  return { stormMs, waves, devServerRestartsMs, breaks, killGapsMs, postgresRestartsMs, readOnly, devServerKillsMs };
}

/** Of several workers, the one a kill takes: the one polling longest (so kills take turns). */
export function workerToKill(workers: readonly Pick<WorkerSupervisor, 'upForMs'>[]): number | undefined {
  let pick: number | undefined;
  let longest = -1;
  workers.forEach((worker, i) => {
    const up = worker.upForMs();
    if (up !== undefined && up >= MIN_WORKER_UP_MS && up > longest) {
      longest = up;
      pick = i;
    }
  });
  return pick;
}

export interface StormParts {
  timeline: Timeline;
  faults: FaultStorm;
  /** One or more worker processes on the task queue; each kill takes one. */
  workers: WorkerSupervisor[];
  server: RestartableDevServer;
  /** The store's own cluster (`--store postgres`), restarted and made read-only by the plan. */
  postgres?: SoakPostgres;
  /** Breaks one healthy container's chain the given way. */
  breakOne: (how: BreakHow) => Promise<void>;
  /** Called once a minute, for a progress line. */
  onMinute?: () => void;
  /**
   * Kills the worker the moment Exact next issues a pair, before the answer leaves: the crash window between
   * Exact's work and the journal's write. Resolves false when no pair was issued within a while.
   */
  killAfterNextIssue?: (worker: number) => Promise<boolean>;
}

/** Runs the plan in real time; returns when the storm is over, with the faults off and a worker starting. */
export async function runStorm(plan: ChaosPlan, parts: StormParts): Promise<void> {
  const startMs = Date.now();
  const endMs = startMs + plan.stormMs;
  parts.timeline.add('storm-start', {
    waves: plan.waves.length,
    kills: plan.killGapsMs.length,
    workers: parts.workers.length,
    devServerRestarts: plan.devServerRestartsMs.length,
    devServerKills: plan.devServerKillsMs?.length ?? 0,
    postgresRestarts: plan.postgresRestartsMs?.length ?? 0,
    readOnlyS: plan.readOnly ? plan.readOnly.forMs / 1000 : 0,
    breaks: plan.breaks.length,
  });
  const pgRestarts = [...(plan.postgresRestartsMs ?? [])];
  const serverKills = [...(plan.devServerKillsMs ?? [])];
  let readOnly = plan.readOnly;
  let pgRestartCount = 0;
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
    if (serverKills.length > 0 && elapsed >= (serverKills[0] as number)) {
      serverKills.shift();
      inBackground(
        parts.server
          .killAndRestart()
          .then(({ downMs }) => void parts.timeline.add('note', { devServerKilledDownMs: downMs })),
      );
    }
    const postgres = parts.postgres;
    if (postgres && pgRestarts.length > 0 && elapsed >= (pgRestarts[0] as number)) {
      pgRestarts.shift();
      pgRestartCount += 1;
      const mode = pgRestartCount === 1 ? 'fast' : 'immediate';
      inBackground(
        postgres.restart(mode).then(({ downMs }) => void parts.timeline.add('note', { postgresDownMs: downMs, mode })),
      );
    }
    if (postgres && readOnly && elapsed >= readOnly.atMs) {
      const forMs = readOnly.forMs;
      readOnly = undefined;
      inBackground(
        postgres.readOnly(true).then(async ({ verified }) => {
          if (!verified) throw new Error('PostgreSQL did not refuse a write on an existing session after read-only');
          await new Promise((resolve) => setTimeout(resolve, forMs));
          await postgres.readOnly(false);
        }),
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
    const victim = Date.now() >= nextKillMs ? workerToKill(parts.workers) : undefined;
    if (victim !== undefined) {
      // Every other kill is timed to land between Exact's work and the journal's write.
      kills += 1;
      const timed = kills % 2 === 1 && parts.killAfterNextIssue ? await parts.killAfterNextIssue(victim) : false;
      if (!timed) await parts.workers[victim]?.kill({ timing: 'random' });
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
    private readonly workers: Pick<WorkerSupervisor, 'killNow'>[],
    private readonly waitMs = 10_000,
  ) {}

  /**
   * Resolves true once the kill of worker `index` landed right after an issue, false when none came within
   * `waitMs`. With several workers the pair may be another's: the kill then lands mid-work all the same.
   */
  arm(index = 0): Promise<boolean> {
    const worker = this.workers[index];
    if (!worker) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.fire = undefined;
        resolve(false);
      }, this.waitMs);
      this.fire = () => {
        clearTimeout(timer);
        this.fire = undefined;
        void worker.killNow({ timing: 'after-issue' }).then(() => resolve(true));
      };
    });
  }

  /** Exact just issued a pair (called synchronously by the simulator observer). */
  issued(): void {
    this.fire?.();
  }
}
