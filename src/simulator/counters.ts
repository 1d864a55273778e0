/**
 * What the simulator saw, for tests to assert on: every token call, every /Me call, every error response,
 * and per chain the times access tokens were issued. Observations only: resetting them never changes how the
 * simulator answers. No record holds a token, code or password.
 */

/** What the token endpoint decided for one call. */
export type TokenCallOutcome =
  | 'ok'
  | 'old-refresh-token'
  | 'invalid-chain'
  | 'refresh-token-expired'
  | 'too-early'
  | 'daily-limit'
  | 'blocked'
  | 'invalid-client'
  | 'redirect-uri'
  | 'bad-request';

export interface TokenCallRecord {
  atMs: number;
  clientId: string;
  /** The user the presented token or code belongs to; absent when it belongs to nobody. */
  userId?: string;
  username?: string;
  /** As sent (may be empty or unknown). */
  grantType: string;
  outcome: TokenCallOutcome;
  status: number;
  /** True when a fault dropped or mangled the answer after the simulator had processed the call. */
  answerLost?: boolean;
}

export interface MeCallRecord {
  atMs: number;
  clientId?: string;
  userId?: string;
  division?: number;
  status: number;
}

/** The two endpoints with an error budget. */
export type BudgetEndpoint = 'token' | 'me';

export interface ErrorRecord {
  atMs: number;
  endpoint: BudgetEndpoint;
  status: number;
  clientId: string;
  /** User id, or 'anonymous' when the request named no known user. */
  subject: string;
}

export interface ChainRecord {
  chainId: string;
  clientId: string;
  userId: string;
  username: string;
  startedAtMs: number;
  /** False once a new authorization superseded the chain or a test broke it. */
  alive: boolean;
  /** When each access token of this chain was issued (code exchange and refreshes), oldest first. */
  accessTokenIssuedAtMs: number[];
}

export interface LoginRecord {
  atMs: number;
  userId?: string;
  step: 'password' | 'totp';
  ok: boolean;
}

export interface FaultRecord {
  atMs: number;
  route: 'token' | 'me' | 'auth';
  kind: string;
}

/** Where a request went: a fault route, or the control API. */
export type RequestRoute = FaultRecord['route'] | 'control';

/** A request whose client disconnected before the simulator answered it. */
export interface AbandonedRecord {
  atMs: number;
  route: RequestRoute;
}

/** A snapshot of the counters (plain data, safe to serialise). */
export interface SimCounters {
  tokenCalls: TokenCallRecord[];
  /** Token calls per username (calls whose token or code named no user are not in here). */
  tokenCallsPerUser: Record<string, number>;
  meCalls: MeCallRecord[];
  errors: ErrorRecord[];
  /** How many times a rotated or superseded refresh token was presented: proof a client lost track of its chain. */
  oldRefreshTokenPresented: number;
  tooEarly: number;
  chains: ChainRecord[];
  logins: LoginRecord[];
  faultsInjected: FaultRecord[];
  /** Requests whose client disconnected first (e.g. its timeout fired during a delay); none were processed. */
  abandonedRequests: AbandonedRecord[];
}

export class Counters {
  private data: SimCounters = Counters.empty();
  /** Chain records by id: chains are looked up on every token issue, and there may be thousands. */
  private chainsById = new Map<string, ChainRecord>();

  private static empty(): SimCounters {
    return {
      tokenCalls: [],
      tokenCallsPerUser: {},
      meCalls: [],
      errors: [],
      oldRefreshTokenPresented: 0,
      tooEarly: 0,
      chains: [],
      logins: [],
      faultsInjected: [],
      abandonedRequests: [],
    };
  }

  tokenCall(record: TokenCallRecord): void {
    this.data.tokenCalls.push(record);
    if (record.username !== undefined) {
      this.data.tokenCallsPerUser[record.username] = (this.data.tokenCallsPerUser[record.username] ?? 0) + 1;
    }
    if (record.outcome === 'old-refresh-token') this.data.oldRefreshTokenPresented++;
    if (record.outcome === 'too-early') this.data.tooEarly++;
  }

  /** The answer to the latest token call never reached the client (a fault after processing). */
  markLastTokenCallAnswerLost(): void {
    const last = this.data.tokenCalls.at(-1);
    if (last) last.answerLost = true;
  }

  meCall(record: MeCallRecord): void {
    this.data.meCalls.push(record);
  }

  error(record: ErrorRecord): void {
    this.data.errors.push(record);
  }

  login(record: LoginRecord): void {
    this.data.logins.push(record);
  }

  fault(record: FaultRecord): void {
    this.data.faultsInjected.push(record);
  }

  abandoned(record: AbandonedRecord): void {
    this.data.abandonedRequests.push(record);
  }

  chainStarted(record: Omit<ChainRecord, 'alive' | 'accessTokenIssuedAtMs'>): void {
    const chain: ChainRecord = { ...record, alive: true, accessTokenIssuedAtMs: [] };
    this.data.chains.push(chain);
    this.chainsById.set(chain.chainId, chain);
  }

  accessTokenIssued(chainId: string, atMs: number): void {
    this.chain(chainId)?.accessTokenIssuedAtMs.push(atMs);
  }

  chainEnded(chainId: string): void {
    const chain = this.chain(chainId);
    if (chain) chain.alive = false;
  }

  /** A deep copy, so a test's snapshot does not change under it. */
  snapshot(): SimCounters {
    return structuredClone(this.data);
  }

  /** Forgets every observation; live chains stay listed (with no issue times) so later issues are still recorded. */
  reset(): void {
    const live = this.data.chains.filter((chain) => chain.alive);
    this.data = Counters.empty();
    this.data.chains = live.map((chain) => ({ ...chain, accessTokenIssuedAtMs: [] }));
    this.chainsById = new Map(this.data.chains.map((chain) => [chain.chainId, chain]));
  }

  private chain(chainId: string): ChainRecord | undefined {
    return this.chainsById.get(chainId);
  }
}

/** The most records inside any window of `windowMs` (e.g. "worst errors in any hour"), for budget assertions. */
export function maxInAnyWindow(records: readonly { atMs: number }[], windowMs: number): number {
  const times = records.map((record) => record.atMs).sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
