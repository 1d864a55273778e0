/**
 * Exact's error descriptions hold no secrets, but they end up in logs, workflow details and UIs, so they are
 * cut short and anything token-shaped is removed before they leave src/exact.
 */

/** Runs of 20+ token characters (base64, base64url, JWT dots, Exact's `!`, percent-encoding). */
const TOKEN_RUN = /[A-Za-z0-9+/=_\-!*.~%]{20,}/g;

/** Random tokens mix digits or cases; an all-caps code such as UND_ERR_HEADERS_TIMEOUT is left readable. */
function looksRandom(run: string): boolean {
  return /\d/.test(run) || (/[a-z]/.test(run) && /[A-Z]/.test(run));
}

/** `text` with token-like runs replaced and cut to `maxChars`. */
export function redactSecrets(text: string, maxChars = 200): string {
  const cleaned = text
    .replace(TOKEN_RUN, (run) => (looksRandom(run) ? '[redacted]' : run))
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > maxChars ? `${cleaned.slice(0, maxChars - 1)}…` : cleaned;
}

/**
 * `text` without any of the given secret values (the caller knows them; short client secrets are not token-shaped).
 * Values under 4 characters are ignored: replacing them would mangle ordinary words and protect nothing.
 */
export function withoutKnownSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    // As given, URL-encoded, and form-encoded (which, unlike encodeURIComponent, also encodes `!`).
    const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2)]);
    for (const form of forms) result = result.split(form).join('[redacted]');
  }
  return result;
}
