/**
 * `POST /api/oauth2/token`: what Exact answers to a code exchange or a refresh (facts sheet §1.3–§1.5, §2),
 * including the daily token quota and the error budget. Texts of the malformed-request errors are the
 * simulator's own where the facts sheet marks Exact's as unconfirmed.
 */
import { type Answer, jsonAnswer, tokenErrorAnswer } from './answer';
import type { Chain, TokenPair } from './chains';
import type { TokenCallOutcome } from './counters';
import { formatExactDateTime } from './exact-time';
import type { SimulatorState } from './state';
import type { SimUser } from './types';

export interface TokenRequest {
  contentType: string | undefined;
  body: string;
}

interface Decision {
  answer: Answer;
  outcome: TokenCallOutcome;
}

/** Who a request is about, found without changing anything (for quotas and the error budget). */
interface Caller {
  clientId: string;
  grantType: string;
  user?: SimUser;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';
const CHAIN_ID_TEXT = 'Token is not allowed, because of invalid or empty chainId';
const TOO_EARLY_TEXT = 'Rate limit exceeded: access_token not expired';
const ERROR_STATUSES = new Set([400, 401, 403, 404]);

export function answerTokenRequest(state: SimulatorState, request: TokenRequest): Answer {
  const nowMs = state.nowMs();
  const form = readForm(request);
  const caller = identify(state, form);
  const subject = caller.user?.id ?? 'anonymous';
  const blockedForS = state.errorBudget.blockedForS(budgetKey(caller.clientId, subject), nowMs);
  const { answer, outcome } =
    blockedForS === undefined
      ? decide(state, form, caller, nowMs)
      : {
          answer: tokenErrorAnswer(403, 'access_denied', 'Blocked: too many errors in the last hour', {
            reason: 'Blocked: too many errors',
            headers: { 'Retry-After': String(blockedForS) },
          }),
          outcome: 'blocked' as const,
        };
  const { clientId, grantType, user } = caller;
  state.counters.tokenCall({
    atMs: nowMs,
    clientId,
    userId: user?.id,
    username: user?.username,
    grantType,
    outcome,
    status: answer.status,
  });
  if (ERROR_STATUSES.has(answer.status)) {
    state.counters.error({ atMs: nowMs, endpoint: 'token', status: answer.status, clientId, subject });
    if (outcome !== 'blocked') state.errorBudget.record(budgetKey(clientId, subject), nowMs);
  }
  return answer;
}

function budgetKey(clientId: string, subject: string): string {
  return `${clientId}\u0000${subject}\u0000token`;
}

function readForm(request: TokenRequest): URLSearchParams | undefined {
  const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === FORM_TYPE ? new URLSearchParams(request.body) : undefined;
}

function identify(state: SimulatorState, form: URLSearchParams | undefined): Caller {
  const clientId = form?.get('client_id') ?? '';
  const grantType = form?.get('grant_type') ?? '';
  let userId: string | undefined;
  const refreshToken = form?.get('refresh_token');
  const code = form?.get('code');
  if (grantType === 'refresh_token' && refreshToken) {
    const found = state.chains.lookupRefreshToken(refreshToken, state.settings.graceUntilActivated);
    if (found.kind !== 'unknown' && found.chain.clientId === clientId) userId = found.chain.userId;
  } else if (grantType === 'authorization_code' && code) {
    userId = state.findAuthorizationCode(code, clientId)?.userId;
  }
  return { clientId, grantType, user: userId === undefined ? undefined : state.findUser(userId) };
}

function decide(state: SimulatorState, form: URLSearchParams | undefined, caller: Caller, nowMs: number): Decision {
  if (!form) {
    const description = `Content-Type must be ${FORM_TYPE}`;
    return { answer: tokenErrorAnswer(400, 'invalid_request', description), outcome: 'bad-request' };
  }
  if (caller.grantType !== 'authorization_code' && caller.grantType !== 'refresh_token') {
    return { answer: tokenErrorAnswer(400, 'unsupported_grant_type', undefined), outcome: 'bad-request' };
  }
  const app = state.findApp(caller.clientId);
  if (!app || app.clientSecret !== form.get('client_secret')) {
    return {
      answer: tokenErrorAnswer(401, 'invalid_client', 'Client authentication failed'),
      outcome: 'invalid-client',
    };
  }
  return caller.grantType === 'authorization_code'
    ? exchangeCode(state, form, caller, nowMs)
    : refresh(state, form, caller, nowMs);
}

function missing(name: string): Decision {
  return { answer: tokenErrorAnswer(400, 'invalid_request', `Missing parameter: ${name}`), outcome: 'bad-request' };
}

function invalidChain(): Decision {
  return {
    answer: tokenErrorAnswer(400, 'invalid_grant', CHAIN_ID_TEXT, {
      spaced: true,
      reason: `Unknown: ${CHAIN_ID_TEXT}`,
    }),
    outcome: 'invalid-chain',
  };
}

/** Counts the call against the (app, user) daily quota, or answers 429 when the quota is used up. */
function overDailyQuota(state: SimulatorState, caller: Caller, nowMs: number): Decision | undefined {
  const key = `${caller.clientId}\u0000${caller.user?.id ?? 'anonymous'}`;
  const { remaining, resetAtMs } = state.tokenQuota.peek(key, nowMs);
  if (remaining > 0) {
    state.tokenQuota.take(key, nowMs);
    return undefined;
  }
  const retryAfterS = String(Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000)));
  return {
    answer: tokenErrorAnswer(429, 'access_denied', 'Rate limit exceeded: too many token requests today', {
      headers: { 'Retry-After': retryAfterS },
    }),
    outcome: 'daily-limit',
  };
}

function exchangeCode(state: SimulatorState, form: URLSearchParams, caller: Caller, nowMs: number): Decision {
  const code = form.get('code');
  if (code === null) return missing('code');
  const redirectUri = form.get('redirect_uri');
  if (redirectUri === null) return missing('redirect_uri');
  const issued = state.findAuthorizationCode(code, caller.clientId);
  if (!issued) return invalidChain();
  const overQuota = overDailyQuota(state, caller, nowMs);
  if (overQuota) return overQuota;
  if (issued.redirectUri !== redirectUri) {
    const description = 'The redirect_uri does not match the authorization request';
    return { answer: tokenErrorAnswer(400, 'invalid_grant', description), outcome: 'redirect-uri' };
  }
  state.useAuthorizationCode(code);
  const { chain, superseded, pair } = state.chains.start(caller.clientId, issued.userId, nowMs);
  if (superseded) state.counters.chainEnded(superseded.id);
  const username = caller.user?.username ?? '';
  state.counters.chainStarted({
    chainId: chain.id,
    clientId: chain.clientId,
    userId: chain.userId,
    username,
    startedAtMs: nowMs,
  });
  return issuedPair(state, chain, pair, nowMs);
}

function refresh(state: SimulatorState, form: URLSearchParams, caller: Caller, nowMs: number): Decision {
  const refreshToken = form.get('refresh_token');
  if (refreshToken === null) return missing('refresh_token');
  const found = state.chains.lookupRefreshToken(refreshToken, state.settings.graceUntilActivated);
  if (found.kind === 'unknown' || found.chain.clientId !== caller.clientId) return invalidChain();
  const overQuota = overDailyQuota(state, caller, nowMs);
  if (overQuota) return overQuota;
  if (found.kind === 'old') {
    return {
      answer: tokenErrorAnswer(401, 'unauthorized_client', 'Old refresh token used.'),
      outcome: 'old-refresh-token',
    };
  }
  const expiresAtMs = found.issuedAtMs + state.rules.refreshTokenIdleTtlS * 1000;
  if (nowMs >= expiresAtMs) {
    const description = `The refresh token expired at ${formatExactDateTime(expiresAtMs)} and it is now ${formatExactDateTime(nowMs)}.`;
    return { answer: tokenErrorAnswer(400, 'invalid_request', description), outcome: 'refresh-token-expired' };
  }
  if (nowMs - found.chain.lastAccessTokenIssuedMs < state.rules.minRefreshIntervalS * 1000) return tooEarly(state);
  return issuedPair(state, found.chain, state.chains.refresh(found.chain, found, nowMs), nowMs);
}

function tooEarly(state: SimulatorState): Decision {
  if (state.settings.legacyTooEarly401) {
    const text = 'Access Token not expired';
    return {
      answer: tokenErrorAnswer(401, 'access_denied', text, { spaced: true, reason: text }),
      outcome: 'too-early',
    };
  }
  return {
    answer: tokenErrorAnswer(400, 'access_denied', TOO_EARLY_TEXT, {
      spaced: true,
      reason: `TooEarlyToRefreshTokens: ${TOO_EARLY_TEXT}`,
    }),
    outcome: 'too-early',
  };
}

function issuedPair(state: SimulatorState, chain: Chain, pair: TokenPair, nowMs: number): Decision {
  state.counters.accessTokenIssued(chain.id, nowMs);
  const body = {
    access_token: pair.accessToken,
    token_type: 'bearer',
    expires_in: String(Math.max(1, Math.round(state.rules.accessTokenTtlS))),
    refresh_token: pair.refreshToken,
  };
  return { answer: jsonAnswer(200, body, { 'Cache-Control': 'no-store', Pragma: 'no-cache' }), outcome: 'ok' };
}
