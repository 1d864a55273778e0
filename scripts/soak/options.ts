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
  if (problems.length > 0) throw new SoakOptionError(`bad soak options:\n  - ${problems.join('\n  - ')}`);
  return options;
}
