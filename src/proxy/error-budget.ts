import { COUNTED_ERROR_STATUSES, ERROR_BUDGET_PER_HOUR, ERROR_WINDOW_MS } from './constants';
import { ConsumerGoneError, ProxyError } from './errors';
import { budgetWaitTimedOut } from './limit-refusals';

export interface ErrorBudgetOptions {
  /** Errors per endpoint in the window after which nothing more is forwarded. @default ERROR_BUDGET_PER_HOUR (8) */
  limit?: number;
  /** The rolling window (ms). @default ERROR_WINDOW_MS (an hour) */
  windowMs?: number;
  /** Our clock, epoch ms. @default Date.now */
  now?: () => number;
}

/** Leave to send one request to an endpoint; say how it ended. */
export interface BudgetTicket {
  /** Exact answered `status` (undefined: no answer came). Call exactly once. */
  release(status?: number): void;
}

interface Endpoint {
  errorsAtMs: number[];
  inFlight: number;
  blockedUntilMs?: number;
  waiters: (() => void)[];
}

/**
 * Exact blocks an app key for an hour after 10 error answers (400/401/403/404) per user, company and endpoint
 * within an hour. The proxy keeps each endpoint below its own limit, counting requests in flight as possible
 * errors: a request waits while the errors plus those in flight would reach it, and once the errors alone do,
 * every request is refused (503) until the oldest leaves the window.
 */
export class ErrorBudget {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: ErrorBudgetOptions = {}) {
    this.limit = options.limit ?? ERROR_BUDGET_PER_HOUR;
    this.windowMs = options.windowMs ?? ERROR_WINDOW_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Waits until a request to endpoint `key` cannot spend the budget; `label` names it in the refusal. Past
   * `deadlineMs` (our clock) it stops waiting with a 503 `queue_timeout`.
   */
  async admit(key: string, label: string, signal?: AbortSignal, deadlineMs?: number): Promise<BudgetTicket> {
    let endpoint = this.endpoints.get(key);
    if (!endpoint) this.endpoints.set(key, (endpoint = { errorsAtMs: [], inFlight: 0, waiters: [] }));
    for (;;) {
      const now = this.now();
      endpoint.errorsAtMs = endpoint.errorsAtMs.filter((at) => at > now - this.windowMs);
      const refusal = this.refusal(endpoint, label, now);
      if (refusal) throw refusal;
      if (endpoint.errorsAtMs.length + endpoint.inFlight < this.limit) break;
      await this.nextRelease(endpoint, signal, deadlineMs === undefined ? undefined : { deadlineMs, label });
    }
    endpoint.inFlight++;
    return { release: this.releaser(endpoint) };
  }

  /** Exact answered that the key is blocked on this endpoint: forward nothing to it for `seconds`. */
  block(key: string, seconds: number): void {
    const endpoint = this.endpoints.get(key);
    if (endpoint) endpoint.blockedUntilMs = Math.max(endpoint.blockedUntilMs ?? 0, this.now() + seconds * 1000);
  }

  private refusal(endpoint: Endpoint, label: string, now: number): ProxyError | undefined {
    if (endpoint.blockedUntilMs !== undefined && now < endpoint.blockedUntilMs) {
      const until = new Date(endpoint.blockedUntilMs).toISOString();
      return new ProxyError(
        503,
        'error_budget',
        `Exact blocked the app key on ${label} for too many error answers; nothing is forwarded there until ${until}.`,
        (endpoint.blockedUntilMs - now) / 1000,
      );
    }
    const errors = endpoint.errorsAtMs;
    if (errors.length < this.limit) return undefined;
    const until = errors[0]! + this.windowMs;
    return new ProxyError(
      503,
      'error_budget',
      `Exact answered ${errors.length} errors (400, 401, 403 or 404) on ${label} within the last hour, and it ` +
        `blocks the app key at 10: the proxy forwards nothing more there until ${new Date(until).toISOString()}. ` +
        'Fix what the failing requests get wrong.',
      (until - now) / 1000,
    );
  }

  private releaser(endpoint: Endpoint): (status?: number) => void {
    let released = false;
    return (status) => {
      if (released) return;
      released = true;
      endpoint.inFlight--;
      if (status !== undefined && COUNTED_ERROR_STATUSES.has(status)) endpoint.errorsAtMs.push(this.now());
      for (const wake of endpoint.waiters.splice(0)) wake();
    };
  }

  private nextRelease(
    endpoint: Endpoint,
    signal?: AbortSignal,
    until?: { deadlineMs: number; label: string },
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new ConsumerGoneError());
      let timer: NodeJS.Timeout | undefined;
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = endpoint.waiters.indexOf(wake);
        if (at !== -1) endpoint.waiters.splice(at, 1);
      };
      const onAbort = (): void => {
        settle();
        reject(new ConsumerGoneError());
      };
      const wake = (): void => {
        settle();
        resolve();
      };
      if (until) {
        timer = setTimeout(
          () => {
            settle();
            reject(budgetWaitTimedOut(until.label, endpoint.inFlight));
          },
          Math.max(0, until.deadlineMs - this.now()),
        );
        timer.unref();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      endpoint.waiters.push(wake);
    });
  }
}
