import type { WebhookDelivery, WebhookEvent } from '../src/notify/webhooks';
import type { ExactRules } from '../src/exact/rules';
import type { ExactTarget, ExactUser } from './container';
import type { SealedAccessToken, SealedCredentialsInput, SealedRefreshTokenInput } from './sealed';

/*
 * What workflows ask of activities and what they answer: the workflows see only this, never the activities'
 * code (activities/index.ts builds an object of this type).
 */

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

/** What a container names as its host: a host key, or a base URL (inputs from before host keys). */
export type HostSettingsRequest = Pick<ExactTarget, 'host' | 'baseUrl'>;

/**
 * The worker's answer for a container's host, read by the workflow at the start of each run (a local activity:
 * workflows cannot read configuration). `rules` are the host's (Exact's real ones unless it is a simulator this
 * worker runs in compressed time); an unknown host gets Exact's real rules and the reason nothing is sent there.
 */
export type HostSettings =
  | { known: true; key: string; simulator: boolean; rules: ExactRules }
  | { known: false; problem: string; rules: ExactRules };

export interface StoreCredentialsRequest {
  alias: string;
  sealed: SealedCredentialsInput;
  expiresAtMs: number;
}

/** Input of the recovery child workflow `recovery/<alias>/<n>`. Holds no secret. */
export interface RecoveryInput {
  alias: string;
  exact: ExactTarget;
  lastTotpStep?: number;
  /**
   * An admin asked for this login (`retryRecovery`, `verifyCredentials`): the first attempt may use an entry whose
   * earlier submit was never confirmed. Never carried to a second attempt.
   */
  adminAsked?: boolean;
}

/** What a recovery login brings back: the new chain and, for an admin who verifies, how the login went. */
export interface RecoveryResult {
  chain: ChainSnapshot;
  /** The login's steps as they passed (username, password, totp, consent), for an admin who verifies. */
  steps: string[];
  /** The TOTP step whose code was submitted; the next login must use a later one. */
  totpStep?: number;
  loginMs: number;
}

/** Every activity a workflow schedules, by name. Properties, not methods: workflows destructure them. */
export interface ContainerActivities {
  refreshChain: (request: RefreshRequest) => Promise<RefreshResult>;
  exchangeCode: (request: ExchangeCodeRequest) => Promise<ChainSnapshot>;
  /** Local activity: the worker's host and rules for a container (its configuration, never the input's). */
  hostSettings: (request: HostSettingsRequest) => Promise<HostSettings>;
  adoptRefreshToken: (request: AdoptRefreshTokenRequest) => Promise<ChainSnapshot>;
  loadChain: (request: { alias: string }) => Promise<ChainSnapshot | null>;
  storeCredentials: (request: StoreCredentialsRequest) => Promise<void>;
  deleteCredentials: (request: { alias: string; reason: string }) => Promise<boolean>;
  recoverChain: (input: RecoveryInput) => Promise<RecoveryResult>;
  /** Sends a signed notification when webhooks are configured; never fails (delivery problems are reported). */
  notify: (event: WebhookEvent) => Promise<WebhookDelivery>;
  recordAudit: (request: AuditRequest) => Promise<void>;
}
