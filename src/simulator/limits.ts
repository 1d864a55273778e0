/**
 * Exact's quotas (facts sheet §2, §4.1): calls counted in fixed windows (a UTC day, a calendar minute) and the
 * error budget, a rolling window of error responses that blocks the key when full.
 */

/** What one key used of its current window (plain data, for the state file). */
export interface QuotaUse {
  key: string;
  windowStartMs: number;
  count: number;
}

/** Recent errors and the block of one key (plain data, for the state file). */
export interface ErrorBudgetUse {
  key: string;
  errorsAtMs: number[];
  blockedUntilMs?: number;
}

/** Calls per key in fixed windows aligned to the epoch (so a day window starts at 00:00 UTC). */
export class FixedWindowQuota {
  private readonly used = new Map<string, { windowStartMs: number; count: number }>();

  /** @param changed Told after every counted call, so the state file can be saved. */
  constructor(
    readonly limit: number,
    private readonly windowMs: () => number,
    private readonly changed: () => void = () => {},
  ) {}

  /** When the window holding `nowMs` ends: the reset time of a call made now. */
  windowEndMs(nowMs: number): number {
    const windowMs = this.windowMs();
    return Math.floor(nowMs / windowMs) * windowMs + windowMs;
  }

  snapshot(): QuotaUse[] {
    return [...this.used].map(([key, { windowStartMs, count }]) => ({ key, windowStartMs, count }));
  }

  restore(uses: readonly QuotaUse[]): void {
    this.used.clear();
    for (const { key, windowStartMs, count } of uses) this.used.set(key, { windowStartMs, count });
  }

  /** What a call at `nowMs` would see, without counting it. */
  peek(key: string, nowMs: number): { remaining: number; resetAtMs: number } {
    const { windowStartMs, count } = this.current(key, nowMs);
    return { remaining: Math.max(0, this.limit - count), resetAtMs: windowStartMs + this.windowMs() };
  }

  /** Counts one call; returns what is left after it. */
  take(key: string, nowMs: number): { remaining: number; resetAtMs: number } {
    const entry = this.current(key, nowMs);
    entry.count++;
    this.used.set(key, entry);
    this.changed();
    return this.peek(key, nowMs);
  }

  private current(key: string, nowMs: number): { windowStartMs: number; count: number } {
    const windowMs = this.windowMs();
    const windowStartMs = Math.floor(nowMs / windowMs) * windowMs;
    const entry = this.used.get(key);
    return entry && entry.windowStartMs === windowStartMs ? entry : { windowStartMs, count: 0 };
  }
}

/**
 * Error responses per key in a rolling window; once `limit` are inside it, the key is blocked for `blockMs`.
 * The block starts afresh: errors from before it do not block again when it ends.
 */
export class ErrorBudget {
  private readonly errors = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  /** @param changed Told after every recorded error, so the state file can be saved. */
  constructor(
    private readonly limit: number,
    private readonly windowMs: () => number,
    private readonly blockMs: () => number,
    private readonly changed: () => void = () => {},
  ) {}

  snapshot(): ErrorBudgetUse[] {
    const keys = new Set([...this.errors.keys(), ...this.blockedUntil.keys()]);
    return [...keys].map((key) => {
      const blockedUntilMs = this.blockedUntil.get(key);
      const use: ErrorBudgetUse = { key, errorsAtMs: [...(this.errors.get(key) ?? [])] };
      if (blockedUntilMs !== undefined) use.blockedUntilMs = blockedUntilMs;
      return use;
    });
  }

  restore(uses: readonly ErrorBudgetUse[]): void {
    this.errors.clear();
    this.blockedUntil.clear();
    for (const { key, errorsAtMs, blockedUntilMs } of uses) {
      if (errorsAtMs.length > 0) this.errors.set(key, [...errorsAtMs]);
      if (blockedUntilMs !== undefined) this.blockedUntil.set(key, blockedUntilMs);
    }
  }

  /** Seconds until the block on `key` ends, or undefined when it is not blocked. */
  blockedForS(key: string, nowMs: number): number | undefined {
    const until = this.blockedUntil.get(key);
    if (until === undefined) return undefined;
    if (nowMs >= until) {
      this.blockedUntil.delete(key);
      return undefined;
    }
    return Math.max(1, Math.ceil((until - nowMs) / 1000));
  }

  record(key: string, nowMs: number): void {
    const since = nowMs - this.windowMs();
    const recent = (this.errors.get(key) ?? []).filter((atMs) => atMs > since);
    recent.push(nowMs);
    if (recent.length >= this.limit) {
      this.blockedUntil.set(key, nowMs + this.blockMs());
      this.errors.delete(key);
    } else {
      this.errors.set(key, recent);
    }
    this.changed();
  }
}
