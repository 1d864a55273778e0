import { ACCESS_TOKEN_TTL_S } from './rules';
/**
 * THE classifier: the only place that reads Exact's status codes, error codes and texts. Everything else
 * branches on the {@link ExactOutcome} kinds it returns. Rows and sources: facts sheet §1.5, §4, §7.
 */
import { isRecord, readAnswer, summarize, type ExactAnswer } from './answer';
import { isHttpFailure, type HttpResponse, type HttpResult } from './http';
import type { ExactFailure, ExactOutcome, TokenPair } from './outcomes';
import { MIN_REFRESH_INTERVAL_S } from './rules';
import { classifyRateLimit, exactNowMs, parseRateLimits, parseRetryAfter } from './rate-limits';

export type TokenGrant = 'refresh_token' | 'authorization_code';

export interface ClassifyContext {
  /** Local clock in epoch ms, used only when Exact sends no `Date` header. @default Date.now() */
  nowMs?: number;
}

export interface TokenContext extends ClassifyContext {
  /** Which grant was asked for; it only shapes the human detail. */
  grant: TokenGrant;
}

/** A token-endpoint answer (or the lack of one) as an outcome. Never throws. */
export function classifyTokenResponse(result: HttpResult, context: TokenContext): ExactOutcome<TokenPair> {
  const doing = context.grant === 'refresh_token' ? 'refreshing' : 'exchanging the authorization code';
  if (isHttpFailure(result)) return fromHttpFailure(result.failure, `${doing}: ${result.detail}`);
  const answer = readAnswer(result);
  const { status } = result;
  if (status >= 200 && status < 300) return tokenPairFrom(status, answer, doing);
  const common = classifyCommon(result, answer, context.nowMs ?? Date.now(), doing);
  if (common !== undefined) return common;
  return classifyTokenRejection(status, answer, doing);
}

/**
 * A REST answer as an outcome; `parse` turns the JSON body into the value (returning undefined, or throwing,
 * when the shape is wrong). Rate-limit headers are attached to every outcome that came with a response.
 */
export function classifyApiResponse<T>(
  result: HttpResult,
  parse: (json: unknown) => T | undefined,
  context: ClassifyContext = {},
): ExactOutcome<T> {
  if (isHttpFailure(result)) return fromHttpFailure(result.failure, `calling the API: ${result.detail}`);
  const answer = readAnswer(result);
  const { status, headers } = result;
  const rateLimits = parseRateLimits(headers);
  if (status >= 200 && status < 300) {
    const value = answer.body === 'json' ? parseSafely(parse, answer.json) : undefined;
    if (value !== undefined) return { kind: 'ok', value, rateLimits };
    const detail = `calling the API: ${summarize(status, answer)}, not the expected ${answer.body === 'json' ? 'shape' : 'JSON'}`;
    return { kind: 'transient', cause: 'bad-response', status, detail, rateLimits };
  }
  const common = classifyCommon(result, answer, context.nowMs ?? Date.now(), 'calling the API');
  if (common !== undefined) return { ...common, rateLimits };
  const detail = `calling the API: ${summarize(status, answer)}`;
  if (status === 401) {
    return {
      kind: 'transient',
      cause: 'unauthorized-api',
      status,
      detail: `${detail} (access token not accepted)`,
      rateLimits,
    };
  }
  return { kind: 'misconfigured', problem: 'bad-request', status, detail, rateLimits };
}

function fromHttpFailure(failure: 'timeout' | 'network', detail: string): ExactFailure {
  return { kind: 'transient', cause: failure, detail };
}

type CommonFailure = Extract<ExactFailure, { kind: 'transient' | 'rate-limited' | 'misconfigured' }>;

/** Answers that mean the same on the token endpoint and the API: 5xx, rate limits, scope, redirects. */
function classifyCommon(
  response: HttpResponse,
  answer: ExactAnswer,
  localNowMs: number,
  doing: string,
): CommonFailure | undefined {
  const { status, headers } = response;
  if (status >= 500) {
    const retryAfterS = parseRetryAfter(headers, exactNowMs(headers, localNowMs));
    const detail = `${doing}: ${summarize(status, answer)}${retryAfterS === undefined ? '' : `; retry after ${retryAfterS} s`}`;
    return { kind: 'transient', cause: 'server-error', status, retryAfterS, detail };
  }
  const limited = classifyRateLimit(response, answer.searchable, localNowMs);
  if (limited !== undefined) return { ...limited, detail: `${doing}: ${limited.detail}` };
  if (status >= 400 && /application scope violated/i.test(answer.searchable)) {
    const detail = `${doing}: ${summarize(status, answer)} (set the app's scopes in the Exact App Center)`;
    return { kind: 'misconfigured', problem: 'scope', status, detail };
  }
  if (status < 200 || (status >= 300 && status < 400)) {
    const detail = `${doing}: unexpected HTTP ${status} (redirects are not followed; check the base URL)`;
    return { kind: 'transient', cause: 'bad-response', status, detail };
  }
  return undefined;
}

/** Any other 4xx from the token endpoint: never retried blindly, Exact blocks a key after 10 errors an hour. */
function classifyTokenRejection(status: number, answer: ExactAnswer, doing: string): ExactFailure {
  const { code, searchable, reason } = answer;
  const said = `${doing}: ${summarize(status, answer)}`;
  if (/^\s*TooEarly/i.test(reason ?? '') || /access[ _]?token not expired/i.test(searchable)) {
    return {
      kind: 'too-early',
      detail: `${said} (itgeneor361: refreshed within ${MIN_REFRESH_INTERVAL_S} s of the previous token)`,
    };
  }
  const broken = (chainBreak: Extract<ExactFailure, { kind: 'chain-broken' }>['chainBreak'], note: string) =>
    ({ kind: 'chain-broken', chainBreak, status, detail: `${said} (${note})` }) as const;
  const misconfigured = (problem: Extract<ExactFailure, { kind: 'misconfigured' }>['problem'], note: string) =>
    ({ kind: 'misconfigured', problem, status, detail: `${said} (${note})` }) as const;

  if (/old refresh token used/i.test(searchable)) return broken('old-refresh-token', 'itgenoda494: the chain moved on');
  if (/invalid or empty chainid/i.test(searchable)) return broken('invalid-chain', 'token or code not of a live chain');
  if (/refresh token expired/i.test(searchable)) return broken('refresh-token-expired', 'itgeneor362: unused 30 days');
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return misconfigured('invalid-client', 'check the client ID and secret');
  }
  if (code === 'invalid_grant') {
    if (/redirect[_ ]?ur[il]/i.test(searchable)) return misconfigured('redirect-uri', 'must match the App Center');
    return broken('unknown-grant', 'grant rejected');
  }
  return misconfigured('bad-request', 'request rejected; not retried');
}

function tokenPairFrom(status: number, answer: ExactAnswer, doing: string): ExactOutcome<TokenPair> {
  const bad = (why: string): ExactFailure => ({
    kind: 'transient',
    cause: 'bad-response',
    status,
    detail: `${doing}: HTTP ${status} ${why}`,
  });
  if (answer.body !== 'json') return bad(summarize(status, answer).replace(/^HTTP \d+ /, '') + ' instead of tokens');
  if (answer.code !== undefined) return bad(`carrying an error instead of tokens: ${summarize(status, answer)}`);
  const json = isRecord(answer.json) ? answer.json : {};
  const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = json;
  const wrong = [
    typeof accessToken === 'string' && accessToken !== '' ? undefined : 'access_token',
    typeof refreshToken === 'string' && refreshToken !== '' ? undefined : 'refresh_token',
  ].filter((field) => field !== undefined);
  if (wrong.length > 0) return bad(`JSON with missing or invalid ${wrong.join(', ')}`);
  // Two token strings are enough: Exact has already rotated the chain, so throwing this answer away over an odd
  // `expires_in` or `token_type` would lose the only live refresh token. A missing lifetime is Exact's 600 s.
  return {
    kind: 'ok',
    value: {
      accessToken: accessToken as string,
      refreshToken: refreshToken as string,
      expiresInS: secondsOf(expiresIn) ?? ACCESS_TOKEN_TTL_S,
    },
  };
}

/** Exact sends `expires_in` as the string "600"; a number is accepted too. */
function secondsOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) && Number(value) > 0) return Number(value);
  return undefined;
}

function parseSafely<T>(parse: (json: unknown) => T | undefined, json: unknown): T | undefined {
  try {
    return parse(json);
  } catch {
    return undefined;
  }
}
