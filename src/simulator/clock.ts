import type { Clock } from './types';

/** How far Exact's clock may be off the simulator clock either way (a year): beyond it no test means anything real. */
export const MAX_CLOCK_OFFSET_MS = 366 * 24 * 60 * 60 * 1000;

/** The machine's clock; the standalone simulator follows it. */
export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that moves only when a test moves it, so time-based rules can be tested without waiting. */
export class ManualClock implements Clock {
  private currentMs: number;

  /** @param startMs Epoch milliseconds to start at. @default Date.now() rounded down to a whole second */
  constructor(startMs: number = Math.floor(Date.now() / 1000) * 1000) {
    ManualClock.check(startMs, 'startMs');
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  /** Jumps to an absolute time; going backwards is allowed (tests of clock skew need it). */
  set(ms: number): void {
    ManualClock.check(ms, 'nowMs');
    this.currentMs = ms;
  }

  advance(ms: number): void {
    ManualClock.check(ms, 'advanceMs');
    if (ms < 0) throw new RangeError(`advanceMs must not be negative, got ${ms}; use set() to go back in time`);
    this.currentMs += ms;
  }

  private static check(value: number, name: string): void {
    if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number of milliseconds, got ${value}`);
  }
}
