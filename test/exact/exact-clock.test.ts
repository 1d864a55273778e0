import { describe, expect, it } from 'vitest';
import { ExactClock } from '../../src/exact/exact-clock';

describe("Exact's clock, learned from Date headers", () => {
  it('is our clock until Exact has answered', () => {
    const clock = new ExactClock({ now: () => 1_000_000 });
    expect(clock.offsetMs()).toBe(0);
    expect(clock.now()).toBe(1_000_000);
  });

  it('follows a server 90 s ahead to within a second', () => {
    let local = Date.parse('2026-12-02T10:00:00.250Z');
    const clock = new ExactClock({ now: () => local });
    for (let i = 0; i < 5; i++) {
      const server = new Date(local + 90_000);
      clock.observe(server.toUTCString());
      local += 1_300;
    }
    expect(Math.abs(clock.offsetMs() - 90_000)).toBeLessThanOrEqual(1_000);
  });

  it('ignores one slow or odd answer (median) and unreadable headers', () => {
    const local = Date.parse('2026-12-02T10:00:00.000Z');
    const clock = new ExactClock({ now: () => local });
    for (const skew of [-60_000, -60_000, -60_000, 5_000]) clock.observe(new Date(local + skew).toUTCString());
    clock.observe('not a date');
    clock.observe(undefined);
    expect(Math.abs(clock.offsetMs() + 60_000)).toBeLessThanOrEqual(1_000);
  });
});
