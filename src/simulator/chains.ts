/**
 * Refresh-token chains, one live chain per (app, user) (facts sheet §2). A chain remembers only its current
 * generation and, for the grace-until-activated model, the generation that produced it; older tokens are
 * recognised from the generation they carry (see token-format.ts).
 */
import type { TokenMint } from './token-format';

export interface Chain {
  id: string;
  clientId: string;
  userId: string;
  startedAtMs: number;
  /** `superseded`: a new authorization for the same app and user replaced it; `invalidated`: a test broke it. */
  status: 'live' | 'superseded' | 'invalidated';
  /** Generation of the current token pair (the first pair is 1). */
  generation: number;
  /** When the current refresh token was issued: its idle expiry counts from here. */
  issuedAtMs: number;
  /** The refresh token that produced the current pair; still accepted under grace-until-activated. */
  grace?: { generation: number; issuedAtMs: number };
  /** Whether the current pair has been used (refresh or API call) since it was issued. */
  activated: boolean;
  lastAccessTokenIssuedMs: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/** How a presented refresh token relates to its chain. */
export type RefreshTokenLookup =
  { kind: 'unknown' } | { kind: 'old'; chain: Chain } | { kind: 'current' | 'grace'; chain: Chain; issuedAtMs: number };

export type AccessTokenLookup =
  { kind: 'unknown' } | { kind: 'valid' | 'expired'; chain: Chain; generation: number; expiresAtMs: number };

export class ChainStore {
  private readonly byId = new Map<string, Chain>();
  private readonly liveByAppUser = new Map<string, Chain>();

  /** @param changed Told after every change, so the state file can be saved. */
  constructor(
    private readonly mint: TokenMint,
    private readonly changed: () => void = () => {},
  ) {}

  /** How many chains were ever started (live or not). */
  get size(): number {
    return this.byId.size;
  }

  /** Every chain, as plain copies (for the state file). */
  snapshot(): Chain[] {
    return [...this.byId.values()].map((chain) => structuredClone(chain));
  }

  /** Replaces every chain with saved ones; the caller has checked there is at most one live chain per pair. */
  restore(chains: readonly Chain[]): void {
    this.byId.clear();
    this.liveByAppUser.clear();
    for (const saved of chains) {
      const chain = structuredClone(saved);
      this.byId.set(chain.id, chain);
      if (chain.status === 'live') this.liveByAppUser.set(ChainStore.key(chain.clientId, chain.userId), chain);
    }
  }

  /** Starts a chain for (app, user) and supersedes the previous one: only one live chain per pair. */
  start(clientId: string, userId: string, nowMs: number): { chain: Chain; superseded?: Chain; pair: TokenPair } {
    const key = ChainStore.key(clientId, userId);
    const superseded = this.liveByAppUser.get(key);
    if (superseded) superseded.status = 'superseded';
    const chain: Chain = {
      id: this.mint.newChainId(),
      clientId,
      userId,
      startedAtMs: nowMs,
      status: 'live',
      generation: 0,
      issuedAtMs: nowMs,
      activated: false,
      lastAccessTokenIssuedMs: nowMs,
    };
    this.byId.set(chain.id, chain);
    this.liveByAppUser.set(key, chain);
    return { chain, superseded, pair: this.issue(chain, nowMs) };
  }

  liveChain(clientId: string, userId: string): Chain | undefined {
    return this.liveByAppUser.get(ChainStore.key(clientId, userId));
  }

  lookupRefreshToken(token: string, graceUntilActivated: boolean): RefreshTokenLookup {
    const claims = this.mint.readRefreshToken(token);
    const chain = claims && this.byId.get(claims.chainId);
    if (!claims || !chain || chain.status === 'invalidated') return { kind: 'unknown' };
    if (chain.status === 'superseded') return { kind: 'old', chain };
    if (claims.generation === chain.generation) return { kind: 'current', chain, issuedAtMs: chain.issuedAtMs };
    const grace = chain.grace;
    if (graceUntilActivated && !chain.activated && grace && grace.generation === claims.generation) {
      return { kind: 'grace', chain, issuedAtMs: grace.issuedAtMs };
    }
    return { kind: 'old', chain };
  }

  /** Rotates: a new pair; the presented token becomes the grace token, every other one is old. */
  refresh(chain: Chain, presented: RefreshTokenLookup & { kind: 'current' | 'grace' }, nowMs: number): TokenPair {
    if (presented.kind === 'current') chain.grace = { generation: chain.generation, issuedAtMs: chain.issuedAtMs };
    return this.issue(chain, nowMs);
  }

  lookupAccessToken(token: string, nowMs: number, accessTokenTtlS: number): AccessTokenLookup {
    const claims = this.mint.readAccessToken(token);
    const chain = claims && this.byId.get(claims.chainId);
    if (!claims || !chain || chain.status === 'invalidated') return { kind: 'unknown' };
    const expiresAtMs = claims.issuedAtMs + accessTokenTtlS * 1000;
    return { kind: nowMs < expiresAtMs ? 'valid' : 'expired', chain, generation: claims.generation, expiresAtMs };
  }

  /** The first use of the current pair ends the grace of the token before it. */
  activate(chain: Chain, generation: number): void {
    if (chain.status !== 'live' || generation !== chain.generation || chain.activated) return;
    chain.activated = true;
    this.changed();
  }

  /** Someone else refreshed and used the new pair: every token the client holds is now old. */
  rotateBehindTheClientsBack(chain: Chain, nowMs: number): void {
    chain.grace = { generation: chain.generation, issuedAtMs: chain.issuedAtMs };
    chain.generation++;
    chain.issuedAtMs = nowMs;
    chain.activated = true;
    this.changed();
  }

  invalidate(chain: Chain): void {
    chain.status = 'invalidated';
    this.liveByAppUser.delete(ChainStore.key(chain.clientId, chain.userId));
    this.changed();
  }

  /** Ages the refresh tokens the client may hold so they are past their idle lifetime. */
  expire(chain: Chain, nowMs: number, refreshTokenIdleTtlS: number): void {
    const longAgo = nowMs - refreshTokenIdleTtlS * 1000 - 1000;
    chain.issuedAtMs = longAgo;
    if (chain.grace) chain.grace.issuedAtMs = longAgo;
    this.changed();
  }

  private issue(chain: Chain, nowMs: number): TokenPair {
    chain.generation++;
    chain.issuedAtMs = nowMs;
    chain.activated = false;
    chain.lastAccessTokenIssuedMs = nowMs;
    this.changed();
    const claims = { chainId: chain.id, generation: chain.generation };
    return {
      accessToken: this.mint.accessToken({ ...claims, issuedAtMs: nowMs }),
      refreshToken: this.mint.refreshToken(claims),
    };
  }

  private static key(clientId: string, userId: string): string {
    return `${clientId}\u0000${userId}`;
  }
}
