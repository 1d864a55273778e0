/**
 * `GET /api/v1/current/Me` (facts sheet §4.3): who the access token belongs to, with the six rate-limit
 * headers per (app, division) (§4.2), 429 when a window is used up and the error budget shared with the
 * token endpoint's rules.
 */
import { type Answer, jsonAnswer, odataErrorAnswer } from './answer';
import { minutelyLimitAnswer, minutelyRateLimitHeaders } from './rate-limit-answers';
import type { SimulatorState } from './state';
import type { SimUser } from './types';

export interface MeRequest {
  authorization: string | undefined;
  /** Scheme, host and port the client used, for the `__metadata.uri`. */
  baseUrl: string;
  /** The OData `$select` query option, if any. */
  select: string | null;
}

const ERROR_STATUSES = new Set([400, 401, 403, 404]);

export function answerMeRequest(state: SimulatorState, request: MeRequest): Answer {
  const nowMs = state.nowMs();
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '')?.[1];
  const found =
    bearer === undefined ? undefined : state.chains.lookupAccessToken(bearer, nowMs, state.rules.accessTokenTtlS);
  const chain = found && found.kind !== 'unknown' ? found.chain : undefined;
  const clientId = chain?.clientId ?? '';
  const subject = chain?.userId ?? 'anonymous';
  const user = chain && state.findUser(chain.userId);
  const budgetKey = `${clientId}\u0000${subject}\u0000me`;
  const blockedForS = state.errorBudget.blockedForS(budgetKey, nowMs);

  let answer: Answer;
  if (blockedForS !== undefined) {
    answer = odataErrorAnswer(403, 'Blocked: too many errors in the last hour', {
      Reason: 'Blocked: too many errors',
      'Retry-After': String(blockedForS),
    });
  } else if (!found || found.kind !== 'valid' || !user) {
    answer = odataErrorAnswer(401, 'This request is not authorized: the access token is missing, invalid or expired.', {
      'WWW-Authenticate': 'Bearer',
    });
  } else {
    state.chains.activate(found.chain, found.generation);
    answer = rateLimitedMe(state, user, clientId, request, nowMs);
  }

  state.counters.meCall({
    atMs: nowMs,
    clientId: chain?.clientId,
    userId: chain?.userId,
    division: user?.division,
    status: answer.status,
  });
  if (ERROR_STATUSES.has(answer.status)) {
    state.counters.error({ atMs: nowMs, endpoint: 'me', status: answer.status, clientId, subject });
    if (blockedForS === undefined) state.errorBudget.record(budgetKey, nowMs);
  }
  return answer;
}

function rateLimitedMe(
  state: SimulatorState,
  user: SimUser,
  clientId: string,
  request: MeRequest,
  nowMs: number,
): Answer {
  const key = `${clientId}\u0000${user.division}`;
  const minute = state.apiMinuteQuota.peek(key, nowMs);
  const day = state.apiDayQuota.peek(key, nowMs);
  const dailyHeaders = (remaining: number, resetAtMs: number): Record<string, string> => ({
    'X-RateLimit-Limit': String(state.apiDayQuota.limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': String(resetAtMs),
  });
  // Exact omits the headers of the window that was not exceeded on a 429 (facts sheet §4.2).
  if (day.remaining === 0) {
    return odataErrorAnswer(429, 'API rate limit exceeded: too many calls today', dailyHeaders(0, day.resetAtMs));
  }
  if (minute.remaining === 0) return minutelyLimitAnswer('me', state.apiMinuteQuota.limit, minute.resetAtMs);
  const afterMinute = state.apiMinuteQuota.take(key, nowMs);
  const afterDay = state.apiDayQuota.take(key, nowMs);
  return jsonAnswer(
    200,
    { d: { results: [meRecord(user, request)] } },
    {
      ...dailyHeaders(afterDay.remaining, afterDay.resetAtMs),
      ...minutelyRateLimitHeaders(state.apiMinuteQuota.limit, afterMinute.remaining, afterMinute.resetAtMs),
    },
  );
}

function meRecord(user: SimUser, request: MeRequest): Record<string, unknown> {
  const [firstName, ...rest] = user.fullName.split(' ');
  const all: Record<string, unknown> = {
    CurrentDivision: user.division,
    FullName: user.fullName,
    UserID: user.id,
    UserName: user.username,
    LanguageCode: 'nl-NL',
    Legislation: '1',
    Email: user.username.includes('@') ? user.username : `${user.username}@example.test`,
    FirstName: firstName ?? '',
    LastName: rest.join(' '),
    Language: 'NL',
  };
  const wanted = request.select
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const fields = wanted?.length
    ? Object.fromEntries(Object.entries(all).filter(([name]) => wanted.includes(name)))
    : all;
  return {
    __metadata: { uri: `${request.baseUrl}/api/v1/current/Me(guid'${user.id}')`, type: 'Exact.Web.Api.System.Me' },
    ...fields,
  };
}
