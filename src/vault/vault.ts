/**
 * The store behind chainkeeper: the token journal (one row per container), an audit trail without secrets,
 * and sealed login credentials. Implemented by SQLite (embedded default) and PostgreSQL (several workers).
 * Tokens and credentials are sealed before they reach either database.
 */

/** Which chain (the n-th authorization of a container) and which refresh of it. */
export interface ChainVersion {
  /** 1 for the first authorization, +1 each time a new chain is started (code or hand-made refresh token). */
  chain: number;
  /** 1 for the pair an authorization produced, +1 for every refresh of that chain. */
  generation: number;
}

/** The current pair of a container, in plaintext (only ever in memory). */
export interface ChainRecord extends ChainVersion {
  alias: string;
  refreshToken: string;
  /** Absent when the chain was started from a hand-made refresh token and never refreshed. */
  accessToken?: string;
  /** When Exact issued the access token (the 570 s rule counts from here). */
  accessTokenIssuedAt?: Date;
  accessTokenExpiresAt?: Date;
  updatedAt: Date;
  /** Who the chain belongs to at Exact, once `/Me` said so for this chain (absent for a chain not yet identified). */
  identity?: ExactIdentity;
}

/**
 * Who a chain belongs to at Exact, from `/api/v1/current/Me`. Never a secret. Exact keeps one live chain per app
 * and user, so two containers with the same `scope` and `userId` would end each other's chain at every new
 * authorization.
 */
export interface ExactIdentity {
  /** The app and Exact stack (client ID and base URL) within which the one-chain-per-user rule holds. */
  scope: string;
  /** Exact's user GUID (`UserID`). */
  userId: string;
  /** `UserName`, for admins. */
  userName?: string;
  /** `CurrentDivision`: the company the user last worked in. */
  division?: number;
  /** The chain it was read for: a new chain (maybe of another user) is unidentified until its first `/Me`. */
  chain: number;
  recordedAt: Date;
}

/**
 * What {@link Vault.recordIdentity} did: recorded it; found another container holding that user and app (`heldBy`,
 * whose identity stays); or found the container on another chain by now (`stale`, nothing recorded).
 */
export type IdentityClaim = { outcome: 'recorded' } | { outcome: 'held'; heldBy: string } | { outcome: 'stale' };

/** A new pair to store. */
export interface TokenWrite {
  refreshToken: string;
  accessToken?: string;
  accessTokenIssuedAt?: Date;
  accessTokenExpiresAt?: Date;
}

export type AuditKind =
  | 'enrolled'
  | 'refreshed'
  | 'retried'
  | 'chain-broken'
  | 'renewed'
  | 'paused'
  | 'resumed'
  | 'recovered'
  | 'credentials-set'
  | 'credentials-deleted'
  | 'identified'
  | 'duplicate-user';

/** One line of a container's audit trail. Never holds a secret. */
export interface AuditEvent {
  kind: AuditKind;
  at: Date;
  /** Human text: what happened, with outcome kinds and counts, never a token or password. */
  detail?: string;
  chain?: number;
  generation?: number;
}

/** Login credentials for auto-recovery, as a box sealed to the organization's public key. */
export interface SealedCredentials {
  alias: string;
  /** Base64 `crypto_box_seal` box; opened only inside the recovery activity. */
  sealedBox: string;
  /** Id of the organization key the box is sealed to. */
  keyId: string;
  enteredAt: Date;
  expiresAt: Date;
  /**
   * A login submitted this credential step ('username', 'password' or 'totp') and never saw the next page
   * confirm it: the entry may be wrong, and a second submit could lock the account. Absent when none is pending.
   */
  submitPending?: { step: string; at: Date };
}

/** Which credentials entry a login mark belongs to: the alias and when the entry was entered. */
export interface CredentialsEntry {
  alias: string;
  enteredAt: Date;
}

export interface Vault {
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  readChain(alias: string): Promise<ChainRecord | undefined>;
  /**
   * Writes generation `expected.generation + 1` of chain `expected.chain`, only if the stored version is
   * exactly `expected` (compare-and-set). Returns the stored record after the write, or `conflict` with what
   * is stored now, so two writers can never both rotate a chain.
   */
  writeNextGeneration(
    alias: string,
    expected: ChainVersion,
    next: TokenWrite,
  ): Promise<{ written: true; record: ChainRecord } | { written: false; current: ChainRecord | undefined }>;
  /**
   * Starts chain `expected.chain + 1` at generation 1 (after an authorization code or a hand-made refresh
   * token), only if the stored version is `expected` (or nothing is stored and `expected` is undefined).
   */
  startChain(
    alias: string,
    expected: ChainVersion | undefined,
    first: TokenWrite,
  ): Promise<{ written: true; record: ChainRecord } | { written: false; current: ChainRecord | undefined }>;
  /**
   * Checks the store takes a write now (a full disk, a read-only database or a lost primary refuse it), with a
   * real but harmless write to the container's journal row. Throws a `not-writable` {@link VaultError} with the
   * store's reason. A refresh probes before its token call: a store that cannot keep the new pair costs no token.
   */
  probeWrite(alias: string): Promise<void>;
  /**
   * Records who the container's chain `identity.chain` belongs to, unless another container's current chain
   * belongs to the same user and app (its alias is answered, the first to record it keeps it; containers in
   * `passOver` no longer run and do not count). Atomic across workers.
   */
  recordIdentity(alias: string, identity: ExactIdentity, passOver?: readonly string[]): Promise<IdentityClaim>;
  appendAudit(alias: string, event: AuditEvent): Promise<void>;
  /** Newest first. */
  listAudit(alias: string, limit?: number): Promise<AuditEvent[]>;
  putCredentials(credentials: SealedCredentials): Promise<void>;
  /** The sealed credentials, or undefined when there are none or they expired before `now` (expired rows are refused). */
  getCredentials(alias: string, now: Date): Promise<SealedCredentials | undefined>;
  /** Deletes the row (gone, not flagged). Returns whether there was one. */
  deleteCredentials(alias: string): Promise<boolean>;
  /**
   * Records, before the submit, that a login is about to submit `step` with this entry. Returns false when the
   * entry is gone or was replaced (the login must then not submit). Durable when it resolves.
   */
  markSubmitPending(entry: CredentialsEntry, step: string, at: Date): Promise<boolean>;
  /** The next page confirmed the pending submit (or an admin allows one more try): clears the mark. */
  clearSubmitPending(entry: CredentialsEntry): Promise<void>;
  close(): Promise<void>;
}
