/** The one clock of a login: a real-time deadline every page driver and the walk share. */

/** A point in real time after which the login gives up. */
export class Deadline {
  private readonly endMs: number;

  constructor(readonly timeoutMs: number) {
    this.endMs = performance.now() + timeoutMs;
  }

  /** Milliseconds left, at least 1 (Playwright reads 0 as "no timeout"). */
  remainingMs(): number {
    return Math.max(1, Math.round(this.endMs - performance.now()));
  }

  get passed(): boolean {
    return performance.now() >= this.endMs;
  }
}

/**
 * A page driver ran out of time (the deadline passed, or the page hung). Drivers throw this and nothing else
 * for time, so the login reports `timeout` whatever drives the page. The message holds no page content.
 */
export class PageTimeoutError extends Error {
  override readonly name = 'PageTimeoutError';
}
