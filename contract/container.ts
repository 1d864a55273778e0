import type { ExactRules } from '../src/exact/rules';

/** What an admin sees a container as, in the order an admin reads them. */
export const CHAIN_STATUSES = ['healthy', 'refreshing', 'retrying', 'recovering', 'needs-reauth', 'paused'] as const;
export type ChainStatus = (typeof CHAIN_STATUSES)[number];

/**
 * Where a container's Exact Online company lives and which app it uses. Holds no secret. The worker maps `host` to
 * a base URL from its own configuration: the input never decides where a token, secret or password is sent.
 */
export interface ExactTarget {
  /**
   * The Exact Online stack: a country (`nl`, `be`, `de`, `uk`, `com`, `us`, `fr`, `es`) or a host key the worker's
   * configuration defines (`simulator`, from CHAINKEEPER_SIMULATOR_ORIGINS). Give this or `baseUrl`.
   */
  host?: string;
  /**
   * Base URL, as inputs from before host keys gave it. Accepted only when it is one of the worker's hosts
   * (e.g. `https://start.exactonline.nl`); anything else is refused before a request leaves the worker.
   * @deprecated name the host with `host`
   */
  baseUrl?: string;
  /** Name of the app in the worker's configuration, which holds its client id and secret. @default 'default' */
  app: string;
  /** Login pages auto-recovery expects: `legacyExact` or `b2c`. @default 'legacyExact' */
  loginProfile?: string;
}

/**
 * Per-container options; every one has a default, and each is bounded (see option-limits.ts). Exact's rule
 * durations are not among them: they come from the worker's configuration.
 */
export interface ContainerOptions {
  /**
   * Time between refreshes; at least Exact's 570 s rule and at most a day (of the worker's rules).
   * @default 570_000 (9.5 minutes)
   */
  refreshIntervalMs?: number;
  /** First backoff after a transient failure: 1 s to 10 minutes (scaled with the worker's rules). @default 10_000 */
  retryInitialMs?: number;
  /** Longest backoff between retries: from `retryInitialMs` to an hour (scaled). @default 300_000 */
  retryMaxMs?: number;
  /**
   * Refresh cycles one run performs before it continues as new (unless the server suggests it sooner), 10 to
   * 1000. It bounds the history a container evicted from the worker's cache replays: about 11 events a cycle.
   * @default 100 (about 16 hours)
   */
  cyclesPerRun?: number;
  /** Auto-recoveries (browser logins) allowed per container per day, 0 to 3, to stay clear of account lockouts. @default 3 */
  recoveriesPerDay?: number;
  /** How long entered credentials are kept before they are deleted: at most 30 days. @default 2_592_000_000 (30 days) */
  credentialsTtlMs?: number;
}

/**
 * Options as runs started before rules came from the worker carry them in their input. Their rules are still
 * honoured (clamped) until the run continues as new; a fresh start with `rules` is refused.
 */
export interface LegacyContainerOptions extends ContainerOptions {
  rules?: ExactRules;
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
  credentials?: CredentialsState;
  recoveries: { dayIndex: number; today: number; total: number };
  /** After a failed recovery, the next one waits until then (an hour), so a flaky login page is not hammered. */
  nextRecoveryAtMs?: number;
  /** The webhook was told about the current needs-reauth episode. */
  reauthNotified?: boolean;
  /** The credentials expiry the webhook was warned about (once per expiry). */
  expiryWarnedFor?: number;
  /** The TOTP step of the last submitted code: the next login waits for a later step. */
  lastTotpStep?: number;
  /** An admin asked for one login now (`retryRecovery`): it may run past the day's cap, once. */
  adminAskedLogin?: boolean;
  /** Who the current chain belongs to at Exact (from `/Me`), once known. */
  exactUser?: ExactUser;
  /**
   * The container that keeps the chain of this container's Exact user and app: this one stopped rather than end
   * that one's chain at every new authorization. No automatic login runs until an admin acts.
   */
  duplicateOf?: string;
}

/** An Exact user as `/Me` names them; never a secret. */
export interface ExactUser {
  /** Exact's user GUID (`UserID`). */
  userId: string;
  /** `UserName`. */
  userName?: string;
  /** `CurrentDivision`: the company the user last worked in. */
  division?: number;
}

/** The credentials entry in the vault, as the workflow tracks it. */
export interface CredentialsState {
  expiresAtMs: number;
  /** Set by runs before suspect entries existed: Exact refused them. Read as suspect. */
  rejected: boolean;
  /**
   * Why no automatic login may use this entry: a password or TOTP code was submitted and no recognised next page
   * confirmed it (refused, an unknown page, an error, a dead worker). Cleared only by an admin: new credentials,
   * `retryRecovery` or `verifyCredentials`.
   */
  suspect?: { reason: string; atMs: number };
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

/** The input as histories from before host keys and worker rules hold it: still replayed and continued. */
export interface LegacyContainerInput extends Omit<ContainerInput, 'options'> {
  options?: LegacyContainerOptions;
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
  /**
   * Sealed login credentials for auto-recovery, when present: when they are deleted, and whether they are on hold
   * (`rejected`, with the reason in `suspect`) until an admin re-enters them or asks for one more try.
   */
  credentials?: { expiresAt: string; rejected: boolean; suspect?: string };
  /** Who the chain belongs to at Exact (user and division, from `/Me`), once known. */
  exactUser?: ExactUser;
  /** The container that keeps this Exact user's chain for the app, when this one stopped for it. */
  duplicateOf?: string;
  /** Attempt number of the current retry series (0 when healthy). */
  retryAttempt: number;
  /** Recovery logins so far (the last child is `recovery/<alias>/<recoveries>`). */
  recoveries?: number;
  tokenCallsToday: number;
  refreshes: number;
  failures: number;
  runs: number;
}

/** Workflow ID of a container: clients find a container by its alias. */
export function containerWorkflowId(alias: string): string {
  return `container/${alias}`;
}

/** The memo field `chainkeeper list` reads a container's Exact user from (encrypted like every payload). */
export const EXACT_USER_MEMO = 'exactUser';
