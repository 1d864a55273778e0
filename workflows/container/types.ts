import type { ExactRules } from '../../src/exact/rules';

/** What an admin sees a container as, in the order an admin reads them. */
export const CHAIN_STATUSES = ['healthy', 'refreshing', 'retrying', 'recovering', 'needs-reauth', 'paused'] as const;
export type ChainStatus = (typeof CHAIN_STATUSES)[number];

/** Where a container's Exact Online company lives and which app it uses. Holds no secret. */
export interface ExactTarget {
  /** Base URL of the country host (https://start.exactonline.nl) or of a simulator. */
  baseUrl: string;
  /** Name of the app in the worker's configuration, which holds its client id and secret. @default 'default' */
  app: string;
  /** Login pages auto-recovery expects: `legacyExact` or `b2c`. @default 'legacyExact' */
  loginProfile?: string;
}

/** Per-container options; every one has a default. */
export interface ContainerOptions {
  /** Time between refreshes; never shorter than Exact's 570 s rule allows. @default 570_000 (9.5 minutes) */
  refreshIntervalMs?: number;
  /** Exact's rule durations; scaled in soaks so the workflow and the simulator agree. @default EXACT_RULES */
  rules?: ExactRules;
  /** First backoff after a transient failure. @default 10_000 */
  retryInitialMs?: number;
  /** Longest backoff between retries. @default 300_000 */
  retryMaxMs?: number;
  /**
   * Refresh cycles one run performs before it continues as new (unless the server suggests it sooner). It bounds the
   * history a container evicted from the worker's cache replays: about 11 events a cycle. @default 100 (about 16 hours)
   */
  cyclesPerRun?: number;
  /** Auto-recoveries (browser logins) allowed per container per day, to stay clear of account lockouts. @default 3 */
  recoveriesPerDay?: number;
  /** How long entered credentials are kept before they are deleted. @default 2_592_000_000 (30 days) */
  credentialsTtlMs?: number;
}

/** State carried across continue-as-new: counters and facts, never a token. */
export interface CarriedState {
  status: ChainStatus;
  paused: boolean;
  chain?: number;
  generation?: number;
  /** Epoch ms when the current access token was received. */
  lastRefreshAtMs?: number;
  lastError?: LastError;
  /** Why a human is needed, in one line, when status is needs-reauth. */
  reauthReason?: string;
  tokenCalls: { dayIndex: number; count: number };
  refreshes: number;
  failures: number;
  runs: number;
  /** A `refreshNow` that arrived before continue-as-new and is still to be served. */
  refreshNowRequested?: boolean;
  /** The chain is gone (broken or never made): a recovery or a renewal must start a new one. */
  chainLost?: boolean;
  /** Sealed credentials held in the vault for this container. */
  credentials?: { expiresAtMs: number; rejected: boolean };
  recoveries: { dayIndex: number; today: number; total: number };
  /** After a failed recovery, the next one waits until then (an hour), so a flaky login page is not hammered. */
  nextRecoveryAtMs?: number;
  /** The webhook was told about the current needs-reauth episode. */
  reauthNotified?: boolean;
  /** The credentials expiry the webhook was warned about (once per expiry). */
  expiryWarnedFor?: number;
  /** The TOTP step of the last submitted code: the next login waits for a later step. */
  lastTotpStep?: number;
}

/** Input of the data-container workflow. Holds no secret. */
export interface ContainerInput {
  /** The operator's unique name for the container; the workflow ID is `container/<alias>`. */
  alias: string;
  exact: ExactTarget;
  options?: ContainerOptions;
  /** Set by continue-as-new only. */
  carried?: CarriedState;
}

export interface LastError {
  /** The failure type (TransientExactError, ChainBrokenError, …). */
  type: string;
  /** Human text without secrets. */
  message: string;
  atMs: number;
  /** The familiar Invantive-style code where one applies. */
  code?: string;
}

/** Answer of the `status` query. Holds no secret. */
export interface ContainerStatus {
  alias: string;
  status: ChainStatus;
  chain?: number;
  generation?: number;
  lastRefreshAt?: string;
  nextRefreshAt?: string;
  accessTokenExpiresAt?: string;
  lastError?: LastError & { at: string };
  reauthReason?: string;
  /** Sealed login credentials for auto-recovery, when present: when they are deleted, and whether Exact refused them. */
  credentials?: { expiresAt: string; rejected: boolean };
  /** Attempt number of the current retry series (0 when healthy). */
  retryAttempt: number;
  tokenCallsToday: number;
  refreshes: number;
  failures: number;
  runs: number;
}

/**
 * Answer of the `accessToken` query. Validity left is computed by the caller from `expiresAt`: a query runs at
 * the workflow's last task time, which may lag the caller's clock.
 */
export interface AccessTokenAnswer {
  accessToken: string;
  issuedAt: string;
  expiresAt: string;
  chain: number;
  generation: number;
}

/** Input of `renewAuthorization`: exactly one of the two. */
export type RenewAuthorizationInput = { refreshToken: string } | { code: string };

/** Input of the recovery child workflow `recovery/<alias>/<n>`. Holds no secret. */
export interface RecoveryInput {
  alias: string;
  exact: ExactTarget;
  lastTotpStep?: number;
}

/** Input of `enrollCredentials`: a box sealed to the organization key, never the plaintext. */
export interface SealedCredentialsInput {
  /** Base64 `crypto_box_seal` of the JSON `{"username","password","totpSecret"}`. */
  sealedBox: string;
  /** Id of the organization key it is sealed to (printed by `chainkeeper keys init`). */
  keyId: string;
}

/** What `enrollCredentials` / `forgetCredentials` answer. */
export interface CredentialsReceipt {
  alias: string;
  /** When the credentials will be deleted; absent after forgetCredentials. */
  expiresAt?: string;
}
