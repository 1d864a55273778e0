/**
 * The few HTTP chores the login pages share: reading a posted form, sending a page, redirecting and cookies.
 * Every response forbids caching, because login pages carry one-time state.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A login form is a handful of short fields; anything bigger is not one of ours. */
const MAX_FORM_BYTES = 16 * 1024;

/** Raised when a posted body cannot be one of our forms; the handler answers it with an error page. */
export class FormTooLargeError extends Error {
  constructor() {
    super(`the posted form is larger than ${MAX_FORM_BYTES} bytes; login forms are much smaller`);
    this.name = 'FormTooLargeError';
  }
}

/** Reads an `application/x-www-form-urlencoded` body (what a plain HTML form posts). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormTooLargeError();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Sends a complete HTML document. */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(html),
    ...headers,
  });
  res.end(html);
}

/**
 * Redirects the browser. `status` 302 is what Exact uses towards the redirect URI; 303 makes a browser follow a
 * form post with a GET, so reloading a login page never re-posts a password.
 */
export function redirect(res: ServerResponse, location: string, status: 302 | 303 = 303, cookie?: string): void {
  const headers: Record<string, string> = { Location: location, 'Cache-Control': 'no-store', 'Content-Length': '0' };
  if (cookie !== undefined) headers['Set-Cookie'] = cookie;
  res.writeHead(status, headers);
  res.end();
}

/** Answers a method the page does not take. */
export function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.writeHead(405, { Allow: allow, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`Method not allowed; this page accepts ${allow}.`);
}

/** The value of one cookie of the request, if the browser sent it. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
