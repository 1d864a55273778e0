/**
 * Exact's clock as seen from this worker. TOTP codes must be made for Exact's time, not ours: a worker whose
 * clock is 90 s off types a code Exact refuses, and a refused code counts toward locking the account. Every
 * answer from Exact (token endpoint, `/Me`, login pages) carries a `Date` header; the median of the recent
 * offsets between that header and our clock is the correction.
 */

/** Samples kept: enough for the median to ignore a slow answer, few enough to follow a clock that was fixed. */
const SAMPLES_KEPT = 15;
/** A `Date` header has whole seconds: the true instant lies anywhere in the second, so take its middle. */
const HALF_SECOND_MS = 500;

export interface ExactClockOptions {
  /** The worker's clock, epoch ms: the same one TOTP codes and timers use. @default Date.now */
  now?: () => number;
}

export class ExactClock {
  private readonly offsets: number[] = [];
  private readonly localNow: () => number;

  constructor(options: ExactClockOptions = {}) {
    this.localNow = options.now ?? Date.now;
  }

  /** Takes an answer's `Date` header (IMF-fixdate) as it arrives; anything unparseable is ignored. */
  observe(dateHeader: string | undefined): void {
    if (dateHeader === undefined) return;
    const serverMs = Date.parse(dateHeader);
    if (!Number.isFinite(serverMs)) return;
    this.observeMs(serverMs, this.localNow());
  }

  /** One sample: Exact's time (whole seconds, from a header) and ours when it arrived. */
  observeMs(serverMs: number, localMs: number): void {
    this.offsets.push(serverMs + HALF_SECOND_MS - localMs);
    if (this.offsets.length > SAMPLES_KEPT) this.offsets.shift();
  }

  /** Exact's clock minus ours in ms; 0 until Exact has answered once. */
  offsetMs(): number {
    if (this.offsets.length === 0) return 0;
    const sorted = [...this.offsets].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return Math.round(median);
  }

  /** Exact's time now, epoch ms, by our clock corrected with {@link offsetMs}. */
  now(): number {
    return this.localNow() + this.offsetMs();
  }
}
