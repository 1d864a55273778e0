import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/temporal/tools';

/** What one soak run does; every field has a default (the full run of the issue), `--quick` swaps in a short one. */
export interface SoakOptions {
  /** Data containers, one simulator user each. @default 200 */
  containers: number;
  /** Length of the storm (faults, kills, restarts, breaks), real minutes. @default 20 */
  minutes: number;
  /**
   * Factor of real time Exact's rules and the workflow's interval run at (0.05: 570 s → 28.5 s, an hour → 3 min).
   * Measured: 200 containers at 0.05 (6.6 refreshes/s) keep their cadence on 2 shared cores with the dev server
   * and the worker using about 0.8 of a core; at 0.02 (16/s) they fall 30 % behind. @default 0.05
   */
  timeScale: number;
  /** The simulator keeps the previous refresh token valid until the new pair is used (Invantive's model). @default true */
  grace: boolean;
  /** Mean real seconds between SIGKILLs of the worker (each ±20 %). @default 30 */
  killEverySeconds: number;
  /** Stops and starts of the Temporal dev server during the storm. @default 1 */
  devServerRestarts: number;
  /** Chains broken on purpose (rotate, invalidate, expire in turn), on distinct containers. @default 20 */
  breaks: number;
  /** Share of token and /Me requests a fault hits while a wave is on. @default 0.15 */
  faultRate: number;
  /** Real seconds a fault wave lasts, and the calm between two. @default 60 and 30 */
  waveOnSeconds: number;
  waveOffSeconds: number;
  /** The worker's HTTP timeout towards Exact (EXACT_HTTP_TIMEOUT_MS); delay faults exceed it. @default 2000 */
  httpTimeoutMs: number;
  /**
   * Longest real wait after the storm for every container to be back in its cycle. A worker killed during a
   * recovery login leaves it to time out (3 min) and wait a scaled hour before the next: this covers both.
   * @default 600
   */
  settleSeconds: number;
  /** Seed of every random choice (fault sequence, kill times, break targets). @default 1 */
  seed: number;
  /** Keep the work directory (logs, store, Temporal db, secrets list) for `npm run leak-scan -- --dir`. @default false */
  keep: boolean;
  /** Where the report goes. @default soak/report.json (soak/report-quick.json with --quick) */
  reportFile: string;
  /** Short run for CI. @default false */
  quick: boolean;
  /** The workers' store: a SQLite file, or a PostgreSQL cluster of the soak's own (restarted, made read-only). @default sqlite */
  store: 'sqlite' | 'postgres';
  /** Worker processes on the one task queue; each kill takes the one that has been up longest. @default 1 */
  workers: number;
  /** Restarts of the PostgreSQL cluster during the storm (the first clean, the next like a crash). @default 0 */
  postgresRestarts: number;
  /** Real seconds PostgreSQL refuses every write (default_transaction_read_only), once mid-storm; 0: never. @default 0 */
  readOnlySeconds: number;
  /** SIGKILLs of the Temporal dev server during the storm, each followed by a start on the same file. @default 0 */
  devServerKills: number;
  /** Exact's (the simulator's) clock ahead of the machine's by this many ms. @default 0 */
  clockOffsetMs: number;
  /**
   * Simulated days the storm covers; with it the storm's length follows from the time scale
   * (days × 86,400 s × scale). 0: the storm lasts `minutes`. @default 0
   */
  days: number;
  /**
   * The containers' refresh interval in Exact's (simulated) seconds; 0: Exact's 570 s rule, the default of a
   * container. @default 0
   */
  refreshIntervalS: number;
  /** Cycles before continue-as-new (container option `cyclesPerRun`); 0: the container's default (100). @default 0 */
  cyclesPerRun: number;
  /** Whether the longest expired access token outside disturbance windows is a goal (0 s) of this form. @default false */
  expiryGoal: boolean;
}

export const FULL_SOAK: Readonly<SoakOptions> = Object.freeze({
  containers: 200,
  minutes: 20,
  timeScale: 0.05,
  grace: true,
  killEverySeconds: 30,
  devServerRestarts: 1,
  breaks: 20,
  faultRate: 0.15,
  waveOnSeconds: 60,
  waveOffSeconds: 30,
  httpTimeoutMs: 2000,
  settleSeconds: 600,
  seed: 1,
  keep: false,
  reportFile: resolve(PROJECT_ROOT, 'soak/report.json'),
  quick: false,
  store: 'sqlite',
  workers: 1,
  postgresRestarts: 0,
  readOnlySeconds: 0,
  devServerKills: 0,
  clockOffsetMs: 0,
  days: 0,
  refreshIntervalS: 0,
  cyclesPerRun: 0,
  expiryGoal: false,
});

/**
 * `--store postgres`: the shared store and two workers, the way users outgrow one machine. 1,000 containers at
 * 1/5 of real time (570 s → 114 s: about 8.8 refreshes a second, what two shared cores keep with the replays every
 * worker kill causes), two worker processes with one SIGKILLed about every 30 s, PostgreSQL restarted twice and
 * read-only for 60 s, the dev server restarted once and SIGKILLed once, Exact's clock 60 s ahead.
 */
export const POSTGRES_SOAK: Readonly<SoakOptions> = Object.freeze({
  ...FULL_SOAK,
  containers: 1000,
  timeScale: 0.2,
  store: 'postgres',
  workers: 2,
  postgresRestarts: 2,
  readOnlySeconds: 60,
  devServerKills: 1,
  clockOffsetMs: 60_000,
  settleSeconds: 900,
  reportFile: resolve(PROJECT_ROOT, 'soak/report-postgres.json'),
  expiryGoal: true,
});

/** Exact's time scale of the `--days` form: 1/500 of real time, seven days in about 20 minutes. */
export const DAYS_SCALE = 0.002;

/**
 * `--days 7`: 200 containers through seven simulated days at 1/500 of real time, with the storm of the full
 * form. At 1/500 Exact's 570 s rule is 1.14 s: 200 containers on it would ask 175 refreshes a second, three times
 * what the worker sustains on this machine with nothing else running (BENCHMARKS.md: 56 cycles/s). So the
 * containers refresh every 2 simulated hours (container option `refreshIntervalMs`, 14 cycles/s), 84 cycles each,
 * with continue-as-new every 10 cycles.
 */
export const DAYS_SOAK: Readonly<SoakOptions> = Object.freeze({
  ...FULL_SOAK,
  timeScale: DAYS_SCALE,
  days: 7,
  minutes: (7 * 86_400 * DAYS_SCALE) / 60,
  refreshIntervalS: 7200,
  cyclesPerRun: 10,
  reportFile: resolve(PROJECT_ROOT, 'soak/report-7d.json'),
  expiryGoal: true,
});

/**
 * The CI form: the same storm in miniature (one worker kill, one dev-server restart), about four minutes end to
 * end. Twenty containers are light enough for the faster scale.
 */
export const QUICK_SOAK: Readonly<SoakOptions> = Object.freeze({
  ...FULL_SOAK,
  containers: 20,
  minutes: 2,
  timeScale: 0.02,
  killEverySeconds: 60,
  breaks: 3,
  waveOnSeconds: 30,
  waveOffSeconds: 15,
  settleSeconds: 300,
  reportFile: resolve(PROJECT_ROOT, 'soak/report-quick.json'),
  quick: true,
});

/** A soak option that cannot be used; the message names the flag and the accepted range. */
export class SoakOptionError extends Error {
  override readonly name = 'SoakOptionError';
}

type Bounds = { min: number; max: number; integer?: boolean };

const BOUNDS: Partial<Record<keyof SoakOptions, Bounds & { flag: string }>> = {
  containers: { flag: '--containers', min: 1, max: 5000, integer: true },
  minutes: { flag: '--minutes', min: 0.5, max: 24 * 60 },
  timeScale: { flag: '--scale', min: 0.001, max: 1 },
  killEverySeconds: { flag: '--kill-every', min: 5, max: 3600 },
  devServerRestarts: { flag: '--dev-server-restarts', min: 0, max: 10, integer: true },
  breaks: { flag: '--breaks', min: 0, max: 5000, integer: true },
  faultRate: { flag: '--fault-rate', min: 0, max: 0.9 },
  waveOnSeconds: { flag: '--wave-on', min: 1, max: 3600 },
  waveOffSeconds: { flag: '--wave-off', min: 0, max: 3600 },
  httpTimeoutMs: { flag: '--http-timeout', min: 100, max: 25_000, integer: true },
  settleSeconds: { flag: '--settle', min: 10, max: 7200 },
  seed: { flag: '--seed', min: 0, max: 2 ** 31 - 1, integer: true },
  workers: { flag: '--workers', min: 1, max: 4, integer: true },
  postgresRestarts: { flag: '--postgres-restarts', min: 0, max: 10, integer: true },
  readOnlySeconds: { flag: '--read-only', min: 0, max: 3600 },
  devServerKills: { flag: '--dev-server-kills', min: 0, max: 10, integer: true },
  clockOffsetMs: { flag: '--clock-offset', min: -3_600_000, max: 3_600_000, integer: true },
  days: { flag: '--days', min: 0, max: 60 },
  refreshIntervalS: { flag: '--refresh-interval', min: 0, max: 86_400 },
  cyclesPerRun: { flag: '--cycles-per-run', min: 0, max: 1000, integer: true },
};

/** Checks every numeric option against its range, and that the breaks fit the containers. */
export function checkSoakOptions(options: SoakOptions): SoakOptions {
  const problems: string[] = [];
  for (const [key, bounds] of Object.entries(BOUNDS) as [keyof SoakOptions, Bounds & { flag: string }][]) {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${bounds.flag} must be a number`);
    } else if (value < bounds.min || value > bounds.max || (bounds.integer && !Number.isInteger(value))) {
      problems.push(
        `${bounds.flag} must be ${bounds.integer ? 'a whole number ' : ''}from ${bounds.min} to ${bounds.max}, got ${value}`,
      );
    }
  }
  if (options.breaks > options.containers) {
    problems.push(`--breaks (${options.breaks}) cannot exceed --containers (${options.containers}): one break each`);
  }
  if (options.store !== 'postgres' && (options.postgresRestarts > 0 || options.readOnlySeconds > 0)) {
    problems.push('--postgres-restarts and --read-only need --store postgres');
  }
  if (options.refreshIntervalS > 0 && options.refreshIntervalS < 570) {
    problems.push(
      `--refresh-interval must be 0 (the rule) or at least 570 simulated seconds, got ${options.refreshIntervalS}`,
    );
  }
  if (options.cyclesPerRun > 0 && options.cyclesPerRun < 10) {
    problems.push(`--cycles-per-run must be 0 (the default) or at least 10, got ${options.cyclesPerRun}`);
  }
  if (options.readOnlySeconds * 1000 > options.minutes * 60_000 * 0.5) {
    problems.push(`--read-only (${options.readOnlySeconds} s) must fit in half of the storm (${options.minutes} min)`);
  }
  if (problems.length > 0) throw new SoakOptionError(`bad soak options:\n  - ${problems.join('\n  - ')}`);
  return options;
}

/**
 * The CI-sized form of a form: QUICK_SOAK itself for the full one; for the postgres and days forms the same
 * disturbances in miniature (40 containers, a 3-minute storm, a 20 s read-only spell; or one simulated day).
 */
export function quickOf(form: Readonly<SoakOptions>): Readonly<SoakOptions> {
  if (form.store === 'postgres') {
    return Object.freeze({
      ...form,
      containers: 40,
      minutes: 3,
      timeScale: 0.05,
      breaks: 3,
      readOnlySeconds: 20,
      waveOnSeconds: 30,
      waveOffSeconds: 15,
      settleSeconds: 300,
      reportFile: resolve(PROJECT_ROOT, 'soak/report-postgres-quick.json'),
      quick: true,
    });
  }
  if (form.days > 0) {
    return Object.freeze({
      ...form,
      containers: 20,
      days: 1,
      minutes: (86_400 * form.timeScale) / 60,
      breaks: 3,
      killEverySeconds: 60,
      waveOnSeconds: 30,
      waveOffSeconds: 15,
      settleSeconds: 300,
      reportFile: resolve(PROJECT_ROOT, 'soak/report-7d-quick.json'),
      quick: true,
    });
  }
  return QUICK_SOAK;
}
