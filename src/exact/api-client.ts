import type { Dispatcher } from 'undici';
import { isRecord } from './answer';
import { classifyApiResponse } from './classify';
import { ExactSettingsError } from './errors';
import { EXACT_PATHS, resolveBaseUrl } from './hosts';
import type { ExactClock } from './exact-clock';
import { checkTimeouts, sendHttpRequest, type HttpTimeouts } from './http';
import type { ExactOutcome } from './outcomes';
import type { ExactCall } from './token-client';
import { withoutKnownSecrets } from './redact';

/** The signed-in user, from `GET /api/v1/current/Me` (facts §4.3). */
export interface MeInfo {
  /** Exact's user GUID. */
  userId: string;
  userName?: string;
  fullName?: string;
  /** The division (company) the user last worked in. */
  currentDivision?: number;
}

export interface ApiClientOptions {
  /** From {@link resolveBaseUrl}, e.g. `https://start.exactonline.nl` or a simulator's URL. */
  baseUrl: string;
  /** Per-phase timeouts. @default connect 5 s, headers 15 s, body 15 s */
  timeouts?: HttpTimeouts;
  /** An undici dispatcher to send through (tests, pooling). @default a shared Agent */
  dispatcher?: Dispatcher;
  /** Learns Exact's time from every answer's `Date` header (for TOTP codes). @default none */
  exactClock?: ExactClock;
  /** Local clock for rate-limit waits when Exact sends no Date header. @default Date.now */
  now?: () => number;
}

export interface ApiClient {
  /** The cheapest authenticated call: proves the access token works (and puts the new refresh token in use). */
  getMe(accessToken: string, call?: ExactCall): Promise<ExactOutcome<MeInfo>>;
}

// Only the fields we read: smaller answers, and Exact asks clients to select what they need.
const ME_FIELDS = 'UserID,UserName,FullName,CurrentDivision';

/** A client for the few REST calls chainkeeper makes. Throws {@link ExactSettingsError} on bad options. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const meUrl = `${resolveBaseUrl({ baseUrl: options.baseUrl })}${EXACT_PATHS.me}?$select=${ME_FIELDS}`;
  checkTimeouts(options.timeouts);
  const now = options.now ?? Date.now;

  return {
    async getMe(accessToken, call) {
      if (typeof accessToken !== 'string' || accessToken.trim() === '') {
        throw new ExactSettingsError('the access token is empty: refresh the chain first');
      }
      const result = await sendHttpRequest(
        {
          method: 'GET',
          url: meUrl,
          headers: { authorization: `Bearer ${accessToken.trim()}`, accept: 'application/json' },
        },
        {
          timeouts: options.timeouts,
          dispatcher: options.dispatcher,
          observeDate: (date) => options.exactClock?.observe(date),
          signal: call?.signal,
        },
      );
      const outcome = classifyApiResponse(result, parseMe, { nowMs: now() });
      if (outcome.kind === 'ok') return outcome;
      return { ...outcome, detail: withoutKnownSecrets(outcome.detail, [accessToken]) };
    },
  };
}

/** OData v2: `{"d":{"results":[{…}]}}`, or `{"d":{…}}` for a single entity. */
export function parseMe(json: unknown): MeInfo | undefined {
  const d = isRecord(json) ? json.d : undefined;
  const results = isRecord(d) ? d.results : undefined;
  const me: unknown = Array.isArray(results) ? results[0] : d;
  if (!isRecord(me) || typeof me.UserID !== 'string' || me.UserID === '') return undefined;
  const division = typeof me.CurrentDivision === 'string' ? Number(me.CurrentDivision) : me.CurrentDivision;
  return {
    userId: me.UserID,
    userName: typeof me.UserName === 'string' ? me.UserName : undefined,
    fullName: typeof me.FullName === 'string' ? me.FullName : undefined,
    currentDivision: typeof division === 'number' && Number.isSafeInteger(division) ? division : undefined,
  };
}
