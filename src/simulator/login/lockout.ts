/**
 * Temporary account lockout after repeated wrong passwords. Exact's real threshold is not documented; the
 * simulator locks after {@link PASSWORD_FAILURES_BEFORE_LOCK} failures within one "hour" of its rules, so
 * the keeper's lockout-safety code has something real to stop at.
 *
 * Failures are counted per typed username (case-insensitive), whether or not the user exists, so the lockout
 * reveals no more about which usernames exist than the password step does.
 */
import type { Clock } from '../types';

/** Wrong passwords within the window after which the account is locked (simulator's assumption). */
export const PASSWORD_FAILURES_BEFORE_LOCK = 5;

export class PasswordLockout {
  private readonly failures = new Map<string, number[]>();

  /** @param windowS Length of the counting window, read on every call so scaled rules apply. */
  constructor(
    private readonly clock: Clock,
    private readonly windowS: () => number,
  ) {}

  /** True while the username has {@link PASSWORD_FAILURES_BEFORE_LOCK} failures inside the window. */
  isLocked(username: string): boolean {
    return this.recentFailures(username).length >= PASSWORD_FAILURES_BEFORE_LOCK;
  }

  /** Counts one wrong password; returns whether the account is now locked. */
  recordFailure(username: string): boolean {
    const recent = this.recentFailures(username);
    recent.push(this.clock.nowMs());
    this.failures.set(keyOf(username), recent);
    return recent.length >= PASSWORD_FAILURES_BEFORE_LOCK;
  }

  /** Locks the username now, as that many wrong passwords would (for tests of a locked account). */
  lock(username: string): void {
    const nowMs = this.clock.nowMs();
    const recent = this.recentFailures(username);
    while (recent.length < PASSWORD_FAILURES_BEFORE_LOCK) recent.push(nowMs);
    this.failures.set(keyOf(username), recent);
  }

  /** Forgets the failures of a username after a successful login. */
  clear(username: string): void {
    this.failures.delete(keyOf(username));
  }

  private recentFailures(username: string): number[] {
    const key = keyOf(username);
    const since = this.clock.nowMs() - this.windowS() * 1000;
    const recent = (this.failures.get(key) ?? []).filter((atMs) => atMs > since);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    return recent;
  }
}

function keyOf(username: string): string {
  return username.trim().toLowerCase();
}
