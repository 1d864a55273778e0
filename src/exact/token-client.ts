import type { Dispatcher } from 'undici';
import { classifyTokenResponse, type TokenGrant } from './classify';
import { ExactSettingsError } from './errors';
import { EXACT_PATHS, resolveBaseUrl } from './hosts';
import type { ExactClock } from './exact-clock';
import { checkTimeouts, sendHttpRequest, type HttpTimeouts } from './http';
import type { ExactOutcome, TokenPair } from './outcomes';
import { withoutKnownSecrets } from './redact';

export interface TokenClientOptions {
  /** From {@link resolveBaseUrl}, e.g. `https://start.exactonline.nl` or a simulator's URL. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Exactly as registered in the Exact App Center; sent with the code exchange. */
  redirectUri: string;
  /** Per-phase timeouts. @default connect 5 s, headers 15 s, body 15 s */
  timeouts?: HttpTimeouts;
  /** An undici dispatcher to send through (tests, pooling). @default a shared Agent */
  dispatcher?: Dispatcher;
  /** Learns Exact's time from every answer's `Date` header (for TOTP codes). @default none */
  exactClock?: ExactClock;
  /** Local clock for rate-limit waits when Exact sends no Date header. @default Date.now */
  now?: () => number;
}

/** Per call: what may end it early. */
export interface ExactCall {
  /** Aborts the call (the activity was cancelled); the answer then counts as possibly lost. @default none */
  signal?: AbortSignal;
}

export interface TokenClient {
  /** Spends `refreshToken` for a new pair. Sent once, never retried here: only the caller's journal knows if that is safe. */
  refresh(refreshToken: string, call?: ExactCall): Promise<ExactOutcome<TokenPair>>;
  /** Exchanges an authorization code (from the redirect; URL-encoded or not) for the first pair of a chain. */
  exchangeCode(code: string, call?: ExactCall): Promise<ExactOutcome<TokenPair>>;
}

/** A client for `POST {base}/api/oauth2/token`. Throws {@link ExactSettingsError} on bad options. */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const tokenUrl = `${resolveBaseUrl({ baseUrl: options.baseUrl })}${EXACT_PATHS.token}`;
  for (const field of ['clientId', 'clientSecret', 'redirectUri'] as const) {
    if (typeof options[field] !== 'string' || options[field].trim() === '') {
      throw new ExactSettingsError(`${field} is empty: copy it from the app in the Exact App Center`);
    }
  }
  checkTimeouts(options.timeouts);
  const now = options.now ?? Date.now;

  async function post(grant: TokenGrant, fields: [string, string][], secrets: string[], call: ExactCall | undefined) {
    const result = await sendHttpRequest(
      {
        method: 'POST',
        url: tokenUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        // URLSearchParams form-encodes `!` (in every refresh token) as %21, as Exact needs (facts §1.3).
        body: new URLSearchParams(fields).toString(),
      },
      {
        timeouts: options.timeouts,
        dispatcher: options.dispatcher,
        observeDate: (date) => options.exactClock?.observe(date),
        signal: call?.signal,
      },
    );
    const outcome = classifyTokenResponse(result, { grant, nowMs: now() });
    if (outcome.kind === 'ok') return outcome;
    // Belt and braces: Exact never echoes these, but a short client secret is not token-shaped for redactSecrets.
    return { ...outcome, detail: withoutKnownSecrets(outcome.detail, [...secrets, options.clientSecret]) };
  }

  return {
    async refresh(refreshToken, call) {
      const token = requireText(refreshToken, 'refresh token', 'take it from the journal or authorize again');
      return post(
        'refresh_token',
        [
          ['refresh_token', token],
          ['grant_type', 'refresh_token'],
          ['client_id', options.clientId],
          ['client_secret', options.clientSecret],
        ],
        [token],
        call,
      );
    },
    async exchangeCode(code, call) {
      const given = requireText(code, 'authorization code', 'copy the code= value from the redirect URL');
      const plain = decodedOnce(given);
      return post(
        'authorization_code',
        [
          ['redirect_uri', options.redirectUri],
          ['grant_type', 'authorization_code'],
          ['client_id', options.clientId],
          ['client_secret', options.clientSecret],
          ['code', plain],
        ],
        [plain, given],
        call,
      );
    },
  };
}

function requireText(value: string, what: string, todo: string): string {
  // An empty token would reach Exact as an error response, and ten of those an hour block the key.
  if (typeof value !== 'string' || value.trim() === '') throw new ExactSettingsError(`the ${what} is empty: ${todo}`);
  return value.trim();
}

/** Codes copied from a redirect URL arrive percent-encoded; Exact wants them decoded once (facts §1.2). */
function decodedOnce(code: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(code)) return code;
  try {
    return decodeURIComponent(code);
  } catch {
    return code;
  }
}
