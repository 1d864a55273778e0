import type { HttpResponse } from './http';
import { redactSecrets } from './redact';

/** What an Exact response body turned out to be, and what Exact said in it. */
export interface ExactAnswer {
  body: 'json' | 'broken-json' | 'html' | 'empty' | 'text';
  /** The parsed body when `body` is 'json'. */
  json?: unknown;
  /** OAuth `error` ("invalid_grant") or OData `error.code`, when non-empty. */
  code?: string;
  /** OAuth `error_description` or OData `error.message.value`. */
  description?: string;
  /** Exact's `Reason` response header ("TooEarlyToRefreshTokens: …"). */
  reason?: string;
  /** Everything above plus the start of the raw body, for the few phrases that may appear anywhere. */
  searchable: string;
}

export function readAnswer(response: HttpResponse): ExactAnswer {
  const raw = response.bodyText.trim();
  const reason = nonEmpty(response.headers.reason);
  const answer: ExactAnswer = { ...parseBody(raw, response.headers['content-type']), reason, searchable: '' };
  if (answer.body === 'json') Object.assign(answer, errorOf(answer.json));
  answer.searchable = [answer.code, answer.description, reason, raw.slice(0, 4000)].filter(Boolean).join('\n');
  return answer;
}

/**
 * One short sentence: the HTTP status and what Exact said (code and description, or the Reason header),
 * redacted and capped. Never the raw request.
 */
export function summarize(status: number, answer: ExactAnswer): string {
  const said = [answer.code, answer.description ?? answer.reason].filter(Boolean).join(': ');
  if (said !== '') return `HTTP ${status} ${redactSecrets(said, 200)}`;
  const shape: Record<ExactAnswer['body'], string> = {
    json: 'with a JSON body Exact did not explain',
    'broken-json': 'with truncated or invalid JSON',
    html: 'with an HTML page',
    empty: 'with an empty body',
    text: 'with a plain-text body',
  };
  return `HTTP ${status} ${shape[answer.body]}`;
}

function parseBody(raw: string, contentType: string | undefined): Pick<ExactAnswer, 'body' | 'json'> {
  if (raw === '') return { body: 'empty' };
  // The body decides, not the content type: a token pair labelled text/plain is still a token pair, and
  // throwing it away would lose the refresh token Exact has just rotated.
  if (raw.startsWith('{') || raw.startsWith('[')) {
    try {
      return { body: 'json', json: JSON.parse(raw) as unknown };
    } catch {
      return { body: 'broken-json' };
    }
  }
  if (raw.startsWith('<') || /html/i.test(contentType ?? '')) return { body: 'html' };
  return { body: 'text' };
}

function errorOf(json: unknown): Pick<ExactAnswer, 'code' | 'description'> {
  if (!isRecord(json)) return {};
  const { error } = json;
  // OAuth 2 token endpoint: {"error":"invalid_grant","error_description":"…"}
  if (typeof error === 'string')
    return { code: nonEmpty(error), description: stringOrUndefined(json.error_description) };
  // OData REST API: {"error":{"code":"","message":{"lang":"","value":"…"}}}
  if (isRecord(error)) {
    const message = error.message;
    const description = isRecord(message) ? stringOrUndefined(message.value) : stringOrUndefined(message);
    return { code: stringOrUndefined(error.code), description };
  }
  return {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? nonEmpty(value) : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
