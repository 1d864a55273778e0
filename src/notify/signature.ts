import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a chainkeeper webhook (lower case, as Node's http server presents them). */
export const WEBHOOK_HEADERS = {
  event: 'x-chainkeeper-event',
  delivery: 'x-chainkeeper-delivery',
  timestamp: 'x-chainkeeper-timestamp',
  signature: 'x-chainkeeper-signature',
} as const;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with secret>`. */
export function signWebhook(body: string | Uint8Array, timestamp: string, secret: string): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`);
  hmac.update(body);
  return `sha256=${hmac.digest('hex')}`;
}

export type WebhookVerification =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature' };

/** Headers as Node's `IncomingMessage.headers` or a plain record; names are matched case-insensitively. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/**
 * Checks a received webhook: the signature over the raw `body` (bytes as received, before JSON parsing) and a
 * timestamp within `toleranceS` of `nowS`. Compares in constant time.
 */
export function verifyWebhookSignature(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  toleranceS = 300,
  nowS = Date.now() / 1000,
): WebhookVerification {
  const timestamp = header(headers, WEBHOOK_HEADERS.timestamp);
  const signature = header(headers, WEBHOOK_HEADERS.signature);
  if (timestamp === undefined || signature === undefined) return { valid: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'bad-timestamp' };
  const seconds = Number(timestamp);
  if (Math.abs(nowS - seconds) > toleranceS) return { valid: false, reason: 'stale-timestamp' };
  const expected = Buffer.from(signWebhook(body, timestamp, secret));
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return { valid: false, reason: 'bad-signature' };
  }
  return { valid: true, timestamp: seconds };
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
