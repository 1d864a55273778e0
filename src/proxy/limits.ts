import { DEFAULT_QUEUE_TIMEOUT_MS, MAX_IN_FLIGHT_PER_COMPANY, RESET_MARGIN_MS } from './constants';
import { ConsumerGoneError } from './errors';
import { dailyLimitSpent, queueTimedOut } from './limit-refusals';
import { admission, observeAnswer, pauseMinute, type CompanyWindows } from './rate-window';

export interface CompanyLimitsOptions {
  /** Requests in flight to one company at once. @default MAX_IN_FLIGHT_PER_COMPANY (4) */
  maxInFlight?: number;
  /** Longest wait in a company's queue before a 503. @default DEFAULT_QUEUE_TIMEOUT_MS (120 000) */
  queueTimeoutMs?: number;
  /** Extra wait past Exact's announced reset (ms). @default RESET_MARGIN_MS (200) */
  resetMarginMs?: number;
  /** Our clock, epoch ms. @default Date.now */
  now?: () => number;
}

/** Leave to send one request. */
export interface Permit {
  /** How long the request waited in the queue (ms). */
  queuedMs: number;
  /** The request ended; `headers` (lower-case names) are Exact's answer when one came. Call exactly once. */
  release(headers?: Record<string, string>): void;
}

interface Waiter {
  since: number;
  /** Gives up after the queue timeout; armed only for a request that has to wait. */
  timeout?: NodeJS.Timeout;
  grant(): void;
  refuse(error: Error): void;
}

interface Company extends CompanyWindows {
  label: string;
  inFlight: number;
  queue: Waiter[];
  timer?: NodeJS.Timeout;
}

/**
 * Exact's per-company limits, shared by every consumer: a FIFO queue per company that sends a request only
 * while the minute has calls left (counting requests in flight), holds the rest until Exact's reset, and refuses
 * (429 with Retry-After) once the day is spent. Until Exact's headers say the limits, one request at a time.
 */
export class CompanyLimits {
  private readonly companies = new Map<string, Company>();
  private readonly maxInFlight: number;
  /** Longest a request waits before it is sent (ms). */
  readonly queueTimeoutMs: number;
  private readonly marginMs: number;
  private readonly now: () => number;

  constructor(options: CompanyLimitsOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT_PER_COMPANY;
    this.queueTimeoutMs = options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
    this.marginMs = options.resetMarginMs ?? RESET_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Waits for leave to send to company `key` (`label` names it in messages); `signal` drops the wait. The queue
   * timeout counts from `sinceMs` (when the request started waiting, before the error budget let it through).
   */
  acquire(key: string, label: string, signal?: AbortSignal, sinceMs?: number): Promise<Permit> {
    const company = this.company(key, label);
    if (signal?.aborted) return Promise.reject(new ConsumerGoneError());
    return new Promise<Permit>((resolve, reject) => {
      const since = sinceMs ?? this.now();
      let settled = false;
      const leave = (): void => {
        settled = true;
        clearTimeout(waiter.timeout);
        signal?.removeEventListener('abort', onAbort);
        company.queue.splice(company.queue.indexOf(waiter), 1);
      };
      const waiter: Waiter = {
        since,
        grant: () => {
          leave();
          company.inFlight++;
          resolve(this.permit(company, this.now() - since));
        },
        refuse: (error) => {
          leave();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.refuse(new ConsumerGoneError());
      company.queue.push(waiter);
      this.pump(company);
      if (settled) return; // the usual case: sent at once, no timer needed
      waiter.timeout = setTimeout(
        () => waiter.refuse(queueTimedOut(company, company.label, this.queueTimeoutMs, this.now())),
        Math.max(0, since + this.queueTimeoutMs - this.now()),
      );
      waiter.timeout.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Exact answered 429 for the minute without a reset header: hold this company for `retryAfterS`. */
  pause(key: string, retryAfterS: number): void {
    const company = this.companies.get(key);
    if (company) pauseMinute(company, this.now(), retryAfterS);
  }

  /** What is known of a company (for metrics and tests). */
  windows(key: string): Readonly<CompanyWindows> | undefined {
    return this.companies.get(key);
  }

  private company(key: string, label: string): Company {
    let company = this.companies.get(key);
    if (!company) this.companies.set(key, (company = { label, inFlight: 0, queue: [], offsetMs: 0 }));
    return company;
  }

  private permit(company: Company, queuedMs: number): Permit {
    let released = false;
    return {
      queuedMs,
      release: (headers) => {
        if (released) return;
        released = true;
        company.inFlight--;
        if (headers) observeAnswer(company, headers, this.now());
        this.pump(company);
      },
    };
  }

  /** Lets waiting requests go, in order, as far as the limits allow; arms a timer for the next reset. */
  private pump(company: Company): void {
    clearTimeout(company.timer);
    company.timer = undefined;
    while (company.queue.length > 0) {
      const now = this.now();
      const verdict = admission(company, company.inFlight, this.maxInFlight, now, this.marginMs);
      if (verdict === 'busy') return;
      if (verdict === 'go') company.queue[0]!.grant();
      else if (verdict === 'day-spent') {
        company.queue[0]!.refuse(dailyLimitSpent(company, company.label, now, this.marginMs));
      } else {
        company.timer = setTimeout(() => this.pump(company), Math.max(1, verdict.waitUntil - now));
        company.timer.unref();
        return;
      }
    }
  }
}
