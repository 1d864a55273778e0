import type { Client } from '@temporalio/client';
import { consumerKeyPath, loadEnv } from '../config/env';
import { loadConsumerKeys } from '../crypto/consumer-keys';
import type { OrgKeyRing } from '../crypto/keys';
import { EXACT_RULES, type ExactRules } from '../exact/rules';
import { getAccessToken, maxMinValidityS, type AccessTokenOptions, type FreshAccessToken } from './access-token';
import { InvalidTokenRequestError } from './errors';

/** Where a provider gets its tokens: {@link getAccessToken} by default; tests pass a fake. */
export type TokenSource = (alias: string, options: AccessTokenOptions) => Promise<FreshAccessToken>;

export interface TokenProviderOptions {
  /** Seconds every token handed out must still be valid, as in {@link getAccessToken}. @default 0 */
  minValidityS?: number;
  /**
   * When the cached token has less than `minValidityS + refreshAheadS` seconds left, the next one is fetched in
   * the background while the cached one is still handed out, so callers rarely wait for a rotation. @default 30
   */
  refreshAheadS?: number;
  /** How long a caller waits, in total, when no cached token is good enough (getAccessToken's). @default 60_000 */
  timeoutMs?: number;
  /** The consumer key(s) that open sealed tokens. @default loaded once, on first use, as getAccessToken does */
  consumerKeys?: OrgKeyRing;
  /** Exact's rules the containers run under; scaled ones in compressed-time soaks. @default EXACT_RULES */
  rules?: Readonly<ExactRules>;
  /** The caller's clock, epoch ms. @default Date.now */
  now?: () => number;
  /** Where tokens come from. @default getAccessToken over `client` */
  source?: TokenSource;
}

export interface TokenProvider {
  /** The alias's token, valid for at least `minValidityS`: from memory when it can, else one query for all callers. */
  get(alias: string): Promise<FreshAccessToken>;
  /** Exact refused `accessToken` (a 401): forget it, so the next `get` asks the container again. */
  invalidate(alias: string, accessToken: string): void;
  /** Forgets every cached token; fetches on their way still finish. */
  clear(): void;
}

interface Cached {
  token: FreshAccessToken;
  expiresAtMs: number;
}

/** One alias: its cached token and the one fetch that may be on its way (single flight). */
interface Slot {
  cached?: Cached;
  fetching?: Promise<Cached>;
  /** A background fetch failed then: the next one waits {@link AHEAD_RETRY_MS}, so a failing query is not hammered. */
  aheadFailedAtMs?: number;
}

/** Pause after a failed background fetch before the next; callers keep getting the cached token meanwhile. */
const AHEAD_RETRY_MS = 5_000;

/**
 * A consumer-side cache in front of {@link getAccessToken}: per alias, a token is served from memory until it
 * expires minus `minValidityS`; concurrent callers of one alias share one query; and a token nearing that margin
 * is replaced in the background. Errors are never cached: the next caller asks again.
 */
export function createTokenProvider(client: Client, options: TokenProviderOptions = {}): TokenProvider {
  const rules = options.rules ?? EXACT_RULES;
  const minValidityS = checkedSeconds(options.minValidityS ?? 0, 'minimum validity', maxMinValidityS(rules));
  const refreshAheadS = checkedSeconds(options.refreshAheadS ?? 30, 'refresh-ahead time', rules.accessTokenTtlS);
  const now = options.now ?? Date.now;
  const source: TokenSource = options.source ?? ((alias, request) => getAccessToken(client, alias, request));
  const slots = new Map<string, Slot>();
  let keys: Promise<OrgKeyRing> | undefined;

  function consumerKeys(): Promise<OrgKeyRing> {
    if (options.consumerKeys) return Promise.resolve(options.consumerKeys);
    keys ??= loadConsumerKeys(consumerKeyPath(loadEnv())).catch((error: unknown) => {
      keys = undefined; // a key put in place later is found by the next caller
      throw error;
    });
    return keys;
  }

  function fetch(alias: string, slot: Slot, wantedS: number): Promise<Cached> {
    if (slot.fetching) return slot.fetching;
    const fetching = (async (): Promise<Cached> => {
      const token = await source(alias, {
        minValidityS: wantedS,
        timeoutMs: options.timeoutMs,
        rules,
        now,
        consumerKeys: await consumerKeys(),
      });
      const fresh = { token, expiresAtMs: Date.parse(token.expiresAt) };
      if (!slot.cached || fresh.expiresAtMs >= slot.cached.expiresAtMs) slot.cached = fresh;
      return fresh;
    })();
    slot.fetching = fetching;
    const done = (): void => {
      if (slot.fetching === fetching) slot.fetching = undefined;
    };
    fetching.then(done, done);
    return fetching;
  }

  /** Asks for a token newer than the cached one; getAccessToken waits for Exact's 570 s rule and rotates it. */
  function refreshAhead(alias: string, slot: Slot, validForS: number): void {
    const wantedS = validForS + 1;
    const failedAt = slot.aheadFailedAtMs;
    if (
      slot.fetching ||
      wantedS > maxMinValidityS(rules) ||
      (failedAt !== undefined && now() - failedAt < AHEAD_RETRY_MS)
    ) {
      return;
    }
    fetch(alias, slot, wantedS).then(
      () => (slot.aheadFailedAtMs = undefined),
      () => (slot.aheadFailedAtMs = now()),
    );
  }

  return {
    async get(alias) {
      let slot = slots.get(alias);
      if (!slot) slots.set(alias, (slot = {}));
      const cached = slot.cached;
      if (cached) {
        const validForS = Math.floor((cached.expiresAtMs - now()) / 1000);
        if (validForS >= minValidityS) {
          if (validForS < minValidityS + refreshAheadS) refreshAhead(alias, slot, validForS);
          return { ...cached.token, validForS };
        }
      }
      const fresh = await fetch(alias, slot, minValidityS);
      return { ...fresh.token, validForS: Math.floor((fresh.expiresAtMs - now()) / 1000) };
    },
    invalidate(alias, accessToken) {
      const slot = slots.get(alias);
      if (slot?.cached?.token.accessToken === accessToken) slot.cached = undefined;
    },
    clear() {
      for (const slot of slots.values()) slot.cached = undefined;
    },
  };
}

function checkedSeconds(value: number, what: string, max: number): number {
  if (!(Number.isFinite(value) && value >= 0 && value <= max)) {
    throw new InvalidTokenRequestError(`the ${what} must be between 0 and ${max} seconds.`);
  }
  return value;
}
