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
}

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
  | 'credentials-deleted';

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
  appendAudit(alias: string, event: AuditEvent): Promise<void>;
  /** Newest first. */
  listAudit(alias: string, limit?: number): Promise<AuditEvent[]>;
  putCredentials(credentials: SealedCredentials): Promise<void>;
  /** The sealed credentials, or undefined when there are none or they expired before `now` (expired rows are refused). */
  getCredentials(alias: string, now: Date): Promise<SealedCredentials | undefined>;
  /** Deletes the row (gone, not flagged). Returns whether there was one. */
  deleteCredentials(alias: string): Promise<boolean>;
  close(): Promise<void>;
}
