import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { isHttpFailure, sendHttpRequest } from '../exact/http';
import type { Logger } from '../log';
import { signWebhook, WEBHOOK_HEADERS } from './signature';

/** A container needs a human: no usable credentials, or Exact refused them. `reason` is secret-free text. */
export interface NeedsReauthEvent {
  type: 'needs-reauth';
  alias: string;
  reason: string;
  /** ISO 8601 instant. */
  at: string;
}

/** Recovery wrote a new chain and the container is healthy again. */
export interface RecoveredEvent {
  type: 'recovered';
  alias: string;
  /** ISO 8601 instant. */
  at: string;
  /** Number of the new chain. */
  chain: number;
}

/** The sealed login credentials of a container will soon be deleted; re-enter them to keep auto-recovery. */
export interface CredentialsExpiringEvent {
  type: 'credentials-expiring';
  alias: string;
  /** ISO 8601 instant of deletion. */
  expiresAt: string;
  /** ISO 8601 instant. */
  at: string;
}

export type WebhookEvent = NeedsReauthEvent | RecoveredEvent | CredentialsExpiringEvent;

/** Outcome of one notification; `reason` never holds the URL, the secret or the response body. */
export type WebhookDelivery =
  | { delivered: true; status: number; attempts: number }
  | { delivered: false; reason: string; attempts: number; status?: number };

export interface WebhookNotifier {
  /** Sends `event`; never throws. */
  notify(event: WebhookEvent): Promise<WebhookDelivery>;
}

export interface WebhookNotifierOptions {
  /** The receiver; http:// or https://. Treated as a secret (many hook URLs carry a token): never logged. */
  url: string;
  /** Shared HMAC key, at least 16 characters. */
  secret: string;
  /** Longest wait per phase of one attempt (connect, response headers, silence in the body). @default 5000 */
  timeoutMs?: number;
  /** Further attempts after the first, for network errors, timeouts and 5xx only. @default 3 */
  retries?: number;
  /** Pause before retry n (1-based). @default 1000 * 2^(n-1), at most 30 000 */
  retryDelayMs?: (retry: number) => number;
  /** Epoch ms, for X-Chainkeeper-Timestamp. @default Date.now */
  now?: () => number;
  /** Failed deliveries are logged here (warn), with event type, alias and reason. @default silent */
  log?: Logger;
}

/** Options a notifier cannot start with; the message names the option, never its value. */
export class WebhookConfigError extends Error {
  override readonly name = 'WebhookConfigError';
}

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant' });
const alias = z.string().min(1).max(200);

// Strict: a field outside the event types is refused, so nothing a caller attaches by mistake leaves the worker.
const eventSchema: z.ZodType<WebhookEvent> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('needs-reauth'), alias, reason: z.string().min(1).max(1000), at: instant }),
  z.strictObject({ type: z.literal('recovered'), alias, at: instant, chain: z.number().int().positive() }),
  z.strictObject({ type: z.literal('credentials-expiring'), alias, expiresAt: instant, at: instant }),
]);

const MIN_SECRET_CHARS = 16;

/** For callers when no webhook is configured: every notification is reported as not delivered. */
export const disabledWebhookNotifier: WebhookNotifier = {
  notify: () => Promise.resolve({ delivered: false, reason: 'webhooks are not configured', attempts: 0 }),
};

/**
 * Signed, opt-in webhook notifications. Each attempt POSTs the event as JSON with
 * `X-Chainkeeper-Event: <type>`, `X-Chainkeeper-Delivery: <id, the same on every retry>`,
 * `X-Chainkeeper-Timestamp: <unix seconds>` and `X-Chainkeeper-Signature: sha256=<hex>`.
 *
 * Verifying on the receiver (or call {@link verifyWebhookSignature}):
 * 1. take the raw request body bytes, before any JSON parsing;
 * 2. compute hex HMAC-SHA256 with the shared secret over `<X-Chainkeeper-Timestamp>.<body>`;
 * 3. compare `sha256=<that hex>` with X-Chainkeeper-Signature in constant time;
 * 4. refuse timestamps more than 5 minutes from your clock (replays), and dedupe on X-Chainkeeper-Delivery.
 *
 * Any 2xx counts as delivered; 3xx and 4xx fail at once (redirects are not followed); network errors,
 * timeouts and 5xx are retried with exponential backoff.
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  checkOptions(options);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? ((retry: number) => Math.min(1_000 * 2 ** (retry - 1), 30_000));
  const now = options.now ?? Date.now;

  async function deliver(event: WebhookEvent): Promise<WebhookDelivery> {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`);
      return { delivered: false, reason: `invalid event, not sent (${problems.join('; ')})`, attempts: 0 };
    }
    const body = JSON.stringify(parsed.data);
    const delivery = randomUUID();
    let last: WebhookDelivery = { delivered: false, reason: 'not attempted', attempts: 0 };
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      if (attempt > 1) await sleep(Math.max(0, retryDelayMs(attempt - 1)));
      // Signed per attempt, so a late retry still falls inside the receiver's timestamp tolerance.
      const timestamp = String(Math.floor(now() / 1000));
      const result = await sendHttpRequest(
        {
          method: 'POST',
          url: options.url,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'chainkeeper-webhooks',
            [WEBHOOK_HEADERS.event]: parsed.data.type,
            [WEBHOOK_HEADERS.delivery]: delivery,
            [WEBHOOK_HEADERS.timestamp]: timestamp,
            [WEBHOOK_HEADERS.signature]: signWebhook(body, timestamp, options.secret),
          },
          body,
        },
        { timeouts: { connectMs: timeoutMs, headersMs: timeoutMs, bodyMs: timeoutMs }, maxBodyBytes: 64 * 1024 },
      );
      if (isHttpFailure(result)) {
        last = { delivered: false, reason: `${result.failure}: ${result.detail}`, attempts: attempt };
        continue;
      }
      const { status } = result;
      if (status >= 200 && status < 300) return { delivered: true, status, attempts: attempt };
      last = { delivered: false, reason: `receiver answered HTTP ${status}`, status, attempts: attempt };
      if (status < 500) break;
    }
    return last;
  }

  return {
    async notify(event) {
      try {
        const result = await deliver(event);
        if (!result.delivered) {
          options.log?.warn(
            { event: (event as Partial<WebhookEvent> | undefined)?.type, alias: event?.alias, ...result },
            'webhook: notification not delivered',
          );
        }
        return result;
      } catch (error) {
        // Nothing above should throw; if something does, the caller still gets a result, not an exception.
        const reason = `unexpected failure: ${error instanceof Error ? error.name : 'unknown error'}`;
        return { delivered: false, reason, attempts: 0 };
      }
    },
  };
}

function checkOptions(options: WebhookNotifierOptions): void {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new WebhookConfigError('the webhook url cannot be parsed: give a full http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookConfigError(`the webhook url must be http:// or https://, not ${url.protocol}//`);
  }
  if (typeof options.secret !== 'string' || options.secret.length < MIN_SECRET_CHARS) {
    throw new WebhookConfigError(`the webhook secret must be at least ${MIN_SECRET_CHARS} characters`);
  }
  const timeoutMs = options.timeoutMs ?? 5_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new WebhookConfigError('timeoutMs must be a positive number of milliseconds');
  }
  const retries = options.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new WebhookConfigError('retries must be a whole number from 0 to 10');
  }
}

export { verifyWebhookSignature, signWebhook, WEBHOOK_HEADERS, type WebhookVerification } from './signature';
