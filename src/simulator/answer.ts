/**
 * The simulator's endpoints decide an {@link Answer} (plain data) and the server writes it, so a fault can
 * still drop or mangle an answer after the endpoint decided it.
 */

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * JSON as Exact's OAuth server writes it: forward slashes escaped as `\/` (the REST API's OData JSON does not
 * escape them, facts sheet §1.5 and §4.3).
 */
function oauthJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('/', '\\/');
}

export function jsonAnswer(status: number, value: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

/**
 * A token-endpoint error. Exact writes some of these with a space after `{` and before `}` and others
 * compact (facts sheet §1.5); `spaced` reproduces that, `reason` adds the `Reason` header.
 */
export function tokenErrorAnswer(
  status: number,
  error: string,
  description: string | undefined,
  options: { spaced?: boolean; reason?: string; headers?: Record<string, string> } = {},
): Answer {
  const compact = oauthJson(description === undefined ? { error } : { error, error_description: description });
  const body = options.spaced ? `{ ${compact.slice(1, -1)} }` : compact;
  const headers: Record<string, string> = {
    'Content-Type': JSON_TYPE,
    'Cache-Control': 'no-store',
    ...options.headers,
  };
  if (options.reason !== undefined) headers.Reason = options.reason;
  return { status, headers, body };
}

/** The OData v2 error envelope of the REST API. */
export function odataErrorAnswer(status: number, message: string, headers: Record<string, string> = {}): Answer {
  return jsonAnswer(status, { error: { code: '', message: { lang: '', value: message } } }, headers);
}
