import type { ExactTarget, ExactUser, SealedAccessToken, SealedRefreshTokenInput } from '../workflows/container/types';

/**
 * The chain as the journal holds it, for the workflow. The access token is sealed to the consumer public key:
 * workflow state, history and the `accessToken` query never hold it in plaintext.
 */
export interface ChainSnapshot {
  chain: number;
  generation: number;
  sealedAccessToken?: SealedAccessToken;
  /** Epoch ms when the access token was received; Exact's 570 s rule counts from here. */
  accessTokenIssuedAtMs?: number;
  accessTokenExpiresAtMs?: number;
  /** Who the chain belongs to at Exact, once `/Me` said so for this chain. */
  exactUser?: ExactUser;
}

/**
 * A snapshot as activities of workers before sealed access tokens returned it, with the token in plaintext.
 * Recorded histories and running workflows still hold such results; the workflow reads them but never serves
 * the plaintext.
 */
export interface LegacyChainSnapshot extends ChainSnapshot {
  accessToken?: string;
}

export interface RefreshRequest {
  alias: string;
  exact: ExactTarget;
  /** The version the workflow last saw; the activity refreshes exactly this one. */
  expected: { chain: number; generation: number };
  /** Exact's rule as the workflow runs it (scaled in soaks). */
  minRefreshIntervalS: number;
  /**
   * When an earlier attempt's token call may have been processed without us seeing the answer (epoch ms). Until
   * the 570 s rule has passed since then, the attempt only reads the journal: no token call that Exact could
   * refuse as too early. And "old refresh token used" after it is our own lost call (`rotated-but-lost`).
   */
  lostAnswerAtMs?: number;
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

/**
 * A refresh token obtained by hand, sealed to the organization key. The plaintext form is what a workflow task of
 * a worker before sealing may have scheduled (an update accepted before the upgrade): it is already in history.
 */
export type AdoptRefreshTokenRequest =
  { alias: string; sealed: SealedRefreshTokenInput } | { alias: string; refreshToken: string };

export interface AuditRequest {
  alias: string;
  kind: 'paused' | 'resumed';
  detail?: string;
}
