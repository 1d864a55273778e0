import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): never passed on either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Not sent to Exact either: the consumer's own token (replaced by the container's), its host and cookies, and
 * `expect` (undici refuses it; the body is sent anyway).
 */
const CONSUMER_ONLY = new Set(['authorization', 'host', 'cookie', 'expect']);

type Headers = IncomingHttpHeaders | Record<string, string | string[] | undefined>;

/** Headers named in `Connection` are hop-by-hop too. */
function connectionScoped(headers: Headers): Set<string> {
  const value = headers.connection;
  const names = (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',');
  return new Set(names.map((name) => name.trim().toLowerCase()).filter(Boolean));
}

function passOn(headers: Headers, dropped: ReadonlySet<string>): Record<string, string | string[]> {
  const scoped = connectionScoped(headers);
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || scoped.has(lower) || dropped.has(lower)) continue;
    kept[lower] = value;
  }
  return kept;
}

/** The consumer's headers as Exact gets them, with the container's access token. */
export function headersToExact(consumer: IncomingHttpHeaders, accessToken: string): Record<string, string | string[]> {
  return { ...passOn(consumer, CONSUMER_ONLY), authorization: `Bearer ${accessToken}` };
}

/** Exact's headers as the consumer gets them: all but the hop-by-hop ones. */
export function headersFromExact(exact: Headers): OutgoingHttpHeaders {
  return passOn(exact, new Set());
}

/** One value per header name, lower case, repeated ones joined: the form src/exact's parsers read. */
export function flatHeaders(headers: Headers): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
