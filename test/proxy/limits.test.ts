import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorBudget } from '../../src/proxy/error-budget';
import { ConsumerGoneError, ProxyError } from '../../src/proxy/errors';
import { CompanyLimits } from '../../src/proxy/limits';

const T = Date.UTC(2026, 0, 15, 10, 0, 30); // 30 s into a minute
const MINUTE_END = Date.UTC(2026, 0, 15, 10, 1, 0);
const DAY_END = Date.UTC(2026, 0, 16);

/** Exact's headers after a call, its clock `aheadMs` ahead of ours. */
function answer(minuteLeft: number, dayLeft = 4000, aheadMs = 0): Record<string, string> {
  return {
    date: new Date(Date.now() + aheadMs).toUTCString(),
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(dayLeft),
    'x-ratelimit-reset': String(DAY_END),
    'x-ratelimit-minutely-limit': '60',
    'x-ratelimit-minutely-remaining': String(minuteLeft),
    'x-ratelimit-minutely-reset': String(MINUTE_END),
  };
}

/** Whether the promise has settled, after pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T);
});
afterEach(() => vi.useRealTimers());

describe("a company's limits", () => {
  it('sends one request at a time until Exact has said its limits', async () => {
    const limits = new CompanyLimits();
    const first = await limits.acquire('c', 'division 1');
    const second = limits.acquire('c', 'division 1');
    expect(await settled(second)).toBe(false);
    first.release(answer(50));
    expect(await settled(second)).toBe(true);
    // Now four may be in flight at once (the in-flight cap), the minute allowing.
    const more = [
      limits.acquire('c', 'x'),
      limits.acquire('c', 'x'),
      limits.acquire('c', 'x'),
      limits.acquire('c', 'x'),
    ];
    const states = await Promise.all(more.map(settled));
    expect(states).toEqual([true, true, true, false]);
  });

  it('holds requests when the minute is spent, counting those in flight, until Exact’s reset', async () => {
    const limits = new CompanyLimits({ resetMarginMs: 200 });
    (await limits.acquire('c', 'x')).release(answer(2, 4000, 5_000)); // Exact's clock is 5 s ahead of ours
    const a = await limits.acquire('c', 'x');
    const b = await limits.acquire('c', 'x');
    const c = limits.acquire('c', 'x');
    expect(await settled(c)).toBe(false);
    a.release(answer(1, 3999, 5_000));
    b.release(answer(0, 3998, 5_000));
    expect(await settled(c)).toBe(false);
    // The reset is 30 s away on Exact's clock: 25 s on ours, plus the margin.
    await vi.advanceTimersByTimeAsync(25_000 - 1000);
    expect(await settled(c)).toBe(false);
    await vi.advanceTimersByTimeAsync(1000 + 200);
    expect(await settled(c)).toBe(true);
    expect((await c).queuedMs).toBe(25_200);
  });

  it('ignores the headers of a window it already left', async () => {
    const limits = new CompanyLimits();
    (await limits.acquire('c', 'x')).release(answer(5));
    const old = await limits.acquire('c', 'x');
    old.release({ ...answer(0), 'x-ratelimit-minutely-reset': String(MINUTE_END - 60_000) });
    expect(await settled(limits.acquire('c', 'x'))).toBe(true);
  });

  it('answers 429 with Retry-After once the day is spent, without queueing', async () => {
    const limits = new CompanyLimits();
    (await limits.acquire('c', 'division 4711')).release(answer(40, 0));
    const refused = await limits.acquire('c', 'division 4711').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProxyError);
    expect(refused).toMatchObject({ status: 429, code: 'daily_limit' });
    expect((refused as ProxyError).message).toMatch(/daily limit of 5000 calls for division 4711 is spent/);
    expect(Math.round((refused as ProxyError).retryAfterS!)).toBe((DAY_END - T) / 1000);
  });

  it('gives up on a request that waited too long, and forgets one whose consumer left', async () => {
    const limits = new CompanyLimits({ queueTimeoutMs: 10_000 });
    const held = await limits.acquire('c', 'x');
    const waiting = limits.acquire('c', 'x').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await waiting).toMatchObject({ status: 503, code: 'queue_timeout' });
    const gone = new AbortController();
    const leaving = limits.acquire('c', 'x', gone.signal).catch((error: unknown) => error);
    gone.abort();
    expect(await leaving).toBeInstanceOf(ConsumerGoneError);
    held.release(answer(10));
    expect(await settled(limits.acquire('c', 'x'))).toBe(true);
  });
});

describe("an endpoint's error budget", () => {
  it('refuses after 8 errors in the hour, until the oldest leaves the window', async () => {
    const budget = new ErrorBudget();
    for (let i = 0; i < 8; i++) {
      (await budget.admit('e', 'crm/accounts of "acme"')).release(i % 2 ? 401 : 404);
      vi.advanceTimersByTime(1000);
    }
    const refused = await budget.admit('e', 'crm/accounts of "acme"').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 503, code: 'error_budget' });
    expect(Math.round((refused as ProxyError).retryAfterS!)).toBe(3600 - 8);
    (await budget.admit('other', 'x')).release(200);
    vi.advanceTimersByTime(3600_000 - 7000);
    expect(await settled(budget.admit('e', 'x'))).toBe(true);
  });

  it('counts requests in flight as possible errors, and holds Exact’s own block', async () => {
    const budget = new ErrorBudget({ limit: 3 });
    (await budget.admit('e', 'x')).release(400);
    const a = await budget.admit('e', 'x');
    await budget.admit('e', 'x');
    const waiting = budget.admit('e', 'x');
    expect(await settled(waiting)).toBe(false);
    a.release(200);
    expect(await settled(waiting)).toBe(true);
    budget.block('e', 60);
    await expect(budget.admit('e', 'x')).rejects.toThrow(/Exact blocked the app key on x/);
  });
});
