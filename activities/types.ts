import type { ExactTarget } from '../workflows/container/types';

/** The chain as the journal holds it, for the workflow: includes the access token (payloads are encrypted). */
export interface ChainSnapshot {
  chain: number;
  generation: number;
  accessToken?: string;
  /** Epoch ms when the access token was received; Exact's 570 s rule counts from here. */
  accessTokenIssuedAtMs?: number;
  accessTokenExpiresAtMs?: number;
}

export interface RefreshRequest {
  alias: string;
  exact: ExactTarget;
  /** The version the workflow last saw; the activity refreshes exactly this one. */
  expected: { chain: number; generation: number };
  /** Exact's rule as the workflow runs it (scaled in soaks). */
  minRefreshIntervalS: number;
}

export interface RefreshResult extends ChainSnapshot {
  /** True when a previous attempt had already written the next generation, so no token call was made. */
  fromJournal: boolean;
  /** Whether the `/Me` call with the new access token succeeded, putting the new refresh token in use. */
  activated: boolean;
  /** Whether this attempt called the token endpoint. */
  tokenCallMade: boolean;
}

export interface ExchangeCodeRequest {
  alias: string;
  exact: ExactTarget;
  code: string;
}

export interface AdoptRefreshTokenRequest {
  alias: string;
  refreshToken: string;
}

export interface AuditRequest {
  alias: string;
  kind: 'paused' | 'resumed';
  detail?: string;
}
