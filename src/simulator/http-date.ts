/** An HTTP Date header value (RFC 7231 IMF-fixdate, whole seconds), e.g. `Thu, 15 Jan 2026 10:00:00 GMT`. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}
