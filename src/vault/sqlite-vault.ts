import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TokenSealer } from '../crypto/seal';
import { loadSqlite, type SqliteDatabase, type SqliteStatement } from './drivers';
import {
  checkAlias,
  checkAuditEvent,
  checkCredentials,
  checkDate,
  checkIdentity,
  checkLimit,
  checkTokenWrite,
  checkVersion,
} from './input-checks';
import { notWritable } from './errors';
import { openJournalRow, sealJournalRow, writtenRecord, type JournalRow } from './journal-rows';
import { migrateSqlite } from './migrations';
import type {
  AuditEvent,
  AuditKind,
  ChainRecord,
  ChainVersion,
  CredentialsEntry,
  ExactIdentity,
  IdentityClaim,
  SealedCredentials,
  TokenWrite,
  Vault,
} from './vault';

export const DEFAULT_SQLITE_PATH = 'data/chainkeeper.db';

export interface SqliteVaultOptions {
  /** The database file (its directory is created), or `:memory:`. @default 'data/chainkeeper.db' */
  path?: string;
  /** Seals tokens before they are written and opens them when read. */
  sealer: TokenSealer;
  /** Clock for `updatedAt`. @default () => new Date() */
  now?: () => Date;
  /** How long a write waits for another process holding the write lock, in milliseconds. @default 5000 */
  busyTimeoutMs?: number;
}

type WriteResult = { written: true; record: ChainRecord } | { written: false; current: ChainRecord | undefined };

interface StoredJournalRow {
  alias: string;
  chain: number;
  generation: number;
  keyId: string;
  refreshTokenBox: string;
  accessTokenBox: string | null;
  accessTokenIssuedAt: number | null;
  accessTokenExpiresAt: number | null;
  updatedAt: number;
  exactScope: string | null;
  exactUserId: string | null;
  exactUserName: string | null;
  exactDivision: number | null;
  identityChain: number | null;
  identityAt: number | null;
}

/** The embedded store: one SQLite file in WAL mode, safe for several processes on one host. */
export class SqliteVault implements Vault {
  readonly path: string;
  private readonly db: SqliteDatabase;
  private readonly sealer: TokenSealer;
  private readonly now: () => Date;
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(options: SqliteVaultOptions) {
    this.path = options.path ?? DEFAULT_SQLITE_PATH;
    this.sealer = options.sealer;
    this.now = options.now ?? (() => new Date());
    if (this.path !== ':memory:') createPrivateFile(this.path);
    const Database = loadSqlite();
    this.db = new Database(this.path, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL');
    // A refresh token lost to a power cut breaks its chain for good: every commit reaches the disk.
    this.db.pragma('synchronous = FULL');
  }

  migrate(): Promise<void> {
    return run(() => migrateSqlite(this.db));
  }

  readChain(alias: string): Promise<ChainRecord | undefined> {
    return run(() => {
      checkAlias(alias);
      return this.readRecord(alias);
    });
  }

  writeNextGeneration(alias: string, expected: ChainVersion, next: TokenWrite): Promise<WriteResult> {
    return run(() => {
      checkAlias(alias);
      checkVersion(expected);
      checkTokenWrite(next);
      const version = { chain: expected.chain, generation: expected.generation + 1 };
      return this.compareAndSet(sealJournalRow(this.sealer, alias, version, next, this.now()), expected, next);
    });
  }

  startChain(alias: string, expected: ChainVersion | undefined, first: TokenWrite): Promise<WriteResult> {
    return run(() => {
      checkAlias(alias);
      if (expected !== undefined) checkVersion(expected);
      checkTokenWrite(first);
      const version = { chain: (expected?.chain ?? 0) + 1, generation: 1 };
      return this.compareAndSet(sealJournalRow(this.sealer, alias, version, first, this.now()), expected, first);
    });
  }

  recordIdentity(alias: string, identity: ExactIdentity, passOver: readonly string[] = []): Promise<IdentityClaim> {
    return run(() => {
      checkAlias(alias);
      checkIdentity(identity);
      // One transaction holding the write lock: two workers recording the same user cannot both win.
      return this.db
        .transaction((): IdentityClaim => {
          const holders = this.statement(
            `SELECT alias FROM token_journal
             WHERE exact_scope = ? AND exact_user_id = ? AND alias <> ? AND identity_chain = chain
             ORDER BY identity_at, alias`,
          ).all(identity.scope, identity.userId, alias) as { alias: string }[];
          const holder = holders.find((row) => !passOver.includes(row.alias));
          if (holder) return { outcome: 'held', heldBy: holder.alias };
          const changes = this.statement(
            `UPDATE token_journal SET exact_scope = ?, exact_user_id = ?, exact_user_name = ?, exact_division = ?,
               identity_chain = ?, identity_at = ?
             WHERE alias = ? AND chain = ?`,
          ).run(
            identity.scope,
            identity.userId,
            identity.userName ?? null,
            identity.division ?? null,
            identity.chain,
            identity.recordedAt.getTime(),
            alias,
            identity.chain,
          ).changes;
          return changes === 1 ? { outcome: 'recorded' } : { outcome: 'stale' };
        })
        .immediate();
    });
  }

  appendAudit(alias: string, event: AuditEvent): Promise<void> {
    return run(() => {
      checkAlias(alias);
      checkAuditEvent(event);
      this.statement(
        'INSERT INTO audit_trail (alias, kind, at, detail, chain, generation) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(alias, event.kind, event.at.getTime(), event.detail ?? null, event.chain ?? null, event.generation ?? null);
    });
  }

  listAudit(alias: string, limit = 50): Promise<AuditEvent[]> {
    return run(() => {
      checkAlias(alias);
      checkLimit(limit);
      const rows = this.statement(
        'SELECT kind, at, detail, chain, generation FROM audit_trail WHERE alias = ? ORDER BY at DESC, id DESC LIMIT ?',
      ).all(alias, limit) as {
        kind: string;
        at: number;
        detail: string | null;
        chain: number | null;
        generation: number | null;
      }[];
      return rows.map((row) => {
        const event: AuditEvent = { kind: row.kind as AuditKind, at: new Date(row.at) };
        if (row.detail !== null) event.detail = row.detail;
        if (row.chain !== null) event.chain = row.chain;
        if (row.generation !== null) event.generation = row.generation;
        return event;
      });
    });
  }

  probeWrite(alias: string): Promise<void> {
    return run(() => {
      checkAlias(alias);
      try {
        this.statement('UPDATE token_journal SET updated_at = updated_at WHERE alias = ?').run(alias);
      } catch (error) {
        throw notWritable(error);
      }
    });
  }

  putCredentials(credentials: SealedCredentials): Promise<void> {
    return run(() => {
      checkCredentials(credentials);
      this.statement(
        `INSERT INTO credentials (alias, sealed_box, key_id, entered_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (alias) DO UPDATE SET sealed_box = excluded.sealed_box, key_id = excluded.key_id,
           entered_at = excluded.entered_at, expires_at = excluded.expires_at,
           submit_pending = NULL, submit_pending_at = NULL`,
      ).run(
        credentials.alias,
        credentials.sealedBox,
        credentials.keyId,
        credentials.enteredAt.getTime(),
        credentials.expiresAt.getTime(),
      );
    });
  }

  getCredentials(alias: string, now: Date): Promise<SealedCredentials | undefined> {
    return run(() => {
      checkAlias(alias);
      checkDate(now, 'now');
      const row = this.statement(
        `SELECT sealed_box AS sealedBox, key_id AS keyId, entered_at AS enteredAt, expires_at AS expiresAt,
           submit_pending AS submitPending, submit_pending_at AS submitPendingAt
         FROM credentials WHERE alias = ? AND expires_at > ?`,
      ).get(alias, now.getTime()) as
        | {
            sealedBox: string;
            keyId: string;
            enteredAt: number;
            expiresAt: number;
            submitPending: string | null;
            submitPendingAt: number | null;
          }
        | undefined;
      if (row === undefined) return undefined;
      const credentials: SealedCredentials = {
        alias,
        sealedBox: row.sealedBox,
        keyId: row.keyId,
        enteredAt: new Date(row.enteredAt),
        expiresAt: new Date(row.expiresAt),
      };
      if (row.submitPending !== null) {
        credentials.submitPending = { step: row.submitPending, at: new Date(row.submitPendingAt ?? 0) };
      }
      return credentials;
    });
  }

  markSubmitPending(entry: CredentialsEntry, step: string, at: Date): Promise<boolean> {
    return run(() => {
      checkAlias(entry.alias);
      checkDate(at, 'at');
      const result = this.statement(
        'UPDATE credentials SET submit_pending = ?, submit_pending_at = ? WHERE alias = ? AND entered_at = ?',
      ).run(step, at.getTime(), entry.alias, entry.enteredAt.getTime());
      return result.changes > 0;
    });
  }

  clearSubmitPending(entry: CredentialsEntry): Promise<void> {
    return run(() => {
      checkAlias(entry.alias);
      this.statement(
        'UPDATE credentials SET submit_pending = NULL, submit_pending_at = NULL WHERE alias = ? AND entered_at = ?',
      ).run(entry.alias, entry.enteredAt.getTime());
    });
  }

  deleteCredentials(alias: string): Promise<boolean> {
    return run(() => {
      checkAlias(alias);
      return this.statement('DELETE FROM credentials WHERE alias = ?').run(alias).changes > 0;
    });
  }

  close(): Promise<void> {
    return run(() => {
      if (this.db.open) this.db.close();
    });
  }

  /** One UPDATE guarded by the expected version (or an INSERT when nothing may be stored yet): atomic on its own. */
  private compareAndSet(row: JournalRow, expected: ChainVersion | undefined, write: TokenWrite): WriteResult {
    const values = {
      alias: row.alias,
      chain: row.chain,
      generation: row.generation,
      keyId: row.keyId,
      refreshTokenBox: row.refreshTokenBox,
      accessTokenBox: row.accessTokenBox,
      accessTokenIssuedAt: row.accessTokenIssuedAt?.getTime() ?? null,
      accessTokenExpiresAt: row.accessTokenExpiresAt?.getTime() ?? null,
      updatedAt: row.updatedAt.getTime(),
    };
    const changes =
      expected === undefined
        ? this.statement(
            `INSERT INTO token_journal (alias, chain, generation, key_id, refresh_token_box, access_token_box,
               access_token_issued_at, access_token_expires_at, updated_at)
             VALUES (@alias, @chain, @generation, @keyId, @refreshTokenBox, @accessTokenBox,
               @accessTokenIssuedAt, @accessTokenExpiresAt, @updatedAt)
             ON CONFLICT (alias) DO NOTHING`,
          ).run(values).changes
        : this.statement(
            `UPDATE token_journal SET chain = @chain, generation = @generation, key_id = @keyId,
               refresh_token_box = @refreshTokenBox, access_token_box = @accessTokenBox,
               access_token_issued_at = @accessTokenIssuedAt, access_token_expires_at = @accessTokenExpiresAt,
               updated_at = @updatedAt
             WHERE alias = @alias AND chain = @expectedChain AND generation = @expectedGeneration`,
          ).run({ ...values, expectedChain: expected.chain, expectedGeneration: expected.generation }).changes;
    return changes === 1
      ? { written: true, record: writtenRecord(row, write) }
      : { written: false, current: this.readRecord(row.alias) };
  }

  private readRecord(alias: string): ChainRecord | undefined {
    const stored = this.statement(
      `SELECT alias, chain, generation, key_id AS keyId, refresh_token_box AS refreshTokenBox,
         access_token_box AS accessTokenBox, access_token_issued_at AS accessTokenIssuedAt,
         access_token_expires_at AS accessTokenExpiresAt, updated_at AS updatedAt,
         exact_scope AS exactScope, exact_user_id AS exactUserId, exact_user_name AS exactUserName,
         exact_division AS exactDivision, identity_chain AS identityChain, identity_at AS identityAt
       FROM token_journal WHERE alias = ?`,
    ).get(alias) as StoredJournalRow | undefined;
    if (stored === undefined) return undefined;
    return openJournalRow(this.sealer, {
      ...stored,
      accessTokenIssuedAt: stored.accessTokenIssuedAt === null ? null : new Date(stored.accessTokenIssuedAt),
      accessTokenExpiresAt: stored.accessTokenExpiresAt === null ? null : new Date(stored.accessTokenExpiresAt),
      updatedAt: new Date(stored.updatedAt),
      identityAt: stored.identityAt === null ? null : new Date(stored.identityAt),
    });
  }

  private statement(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** better-sqlite3 is synchronous; errors still arrive as rejections, like PostgreSQL's. */
function run<Result>(work: () => Result): Promise<Result> {
  return Promise.resolve().then(work);
}

/** Creates the database file owner-only before SQLite opens it; SQLite gives its -wal and -shm files the same mode. */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
