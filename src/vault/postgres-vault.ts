import type { TokenSealer } from '../crypto/seal';
import { loadPg, type PgPool } from './drivers';
import { notWritable, VaultError } from './errors';
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
import { openJournalRow, sealJournalRow, writtenRecord, type IdentityColumns, type JournalRow } from './journal-rows';
import { migratePostgres } from './migrations';
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

export interface PostgresVaultOptions {
  /** `postgres://user[:password]@host:port/database`. */
  connectionString: string;
  /** Seals tokens before they are written and opens them when read. */
  sealer: TokenSealer;
  /** Schema that holds chainkeeper's tables, set as `search_path` of every connection. @default the server's search_path */
  schema?: string;
  /** Connections this process keeps open. @default 10 */
  maxConnections?: number;
  /** Clock for `updatedAt`. @default () => new Date() */
  now?: () => Date;
  /**
   * Told when an idle pooled connection fails (the server restarted, say); the pool drops it and the next query
   * connects again. @default ignored
   */
  onConnectionError?: (error: Error) => void;
}

type WriteResult = { written: true; record: ChainRecord } | { written: false; current: ChainRecord | undefined };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const JOURNAL_COLUMNS = `alias, chain, generation, key_id AS "keyId", refresh_token_box AS "refreshTokenBox",
  access_token_box AS "accessTokenBox", access_token_issued_at AS "accessTokenIssuedAt",
  access_token_expires_at AS "accessTokenExpiresAt", updated_at AS "updatedAt",
  exact_scope AS "exactScope", exact_user_id AS "exactUserId", exact_user_name AS "exactUserName",
  exact_division AS "exactDivision", identity_chain AS "identityChain", identity_at AS "identityAt"`;

/** The shared store for several workers on several hosts. Every write is a single guarded statement. */
export class PostgresVault implements Vault {
  private readonly pool: PgPool;
  private readonly sealer: TokenSealer;
  private readonly now: () => Date;
  private closing: Promise<void> | undefined;

  constructor(options: PostgresVaultOptions) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new VaultError(
        'bad-input',
        `Schema name "${options.schema}" is not allowed: use lowercase letters, digits and underscores.`,
      );
    }
    this.sealer = options.sealer;
    this.now = options.now ?? (() => new Date());
    const { Pool } = loadPg();
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    // Without a listener an idle connection's error would end the process; the next query reports it instead.
    this.pool.on('error', options.onConnectionError ?? (() => undefined));
  }

  migrate(): Promise<void> {
    return migratePostgres(this.pool);
  }

  async readChain(alias: string): Promise<ChainRecord | undefined> {
    checkAlias(alias);
    return this.readRecord(alias);
  }

  async writeNextGeneration(alias: string, expected: ChainVersion, next: TokenWrite): Promise<WriteResult> {
    checkAlias(alias);
    checkVersion(expected);
    checkTokenWrite(next);
    const version = { chain: expected.chain, generation: expected.generation + 1 };
    return this.compareAndSet(sealJournalRow(this.sealer, alias, version, next, this.now()), expected, next);
  }

  async startChain(alias: string, expected: ChainVersion | undefined, first: TokenWrite): Promise<WriteResult> {
    checkAlias(alias);
    if (expected !== undefined) checkVersion(expected);
    checkTokenWrite(first);
    const version = { chain: (expected?.chain ?? 0) + 1, generation: 1 };
    return this.compareAndSet(sealJournalRow(this.sealer, alias, version, first, this.now()), expected, first);
  }

  async recordIdentity(
    alias: string,
    identity: ExactIdentity,
    passOver: readonly string[] = [],
  ): Promise<IdentityClaim> {
    checkAlias(alias);
    checkIdentity(identity);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Workers recording the same user and app take turns, so two containers cannot both claim it.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('chainkeeper.identity:' || $1 || ' ' || $2))`, [
        identity.scope,
        identity.userId,
      ]);
      const { rows } = await client.query<{ alias: string }>(
        `SELECT alias FROM token_journal
         WHERE exact_scope = $1 AND exact_user_id = $2 AND alias <> $3 AND identity_chain = chain
         ORDER BY identity_at, alias`,
        [identity.scope, identity.userId, alias],
      );
      const holder = rows.find((row) => !passOver.includes(row.alias));
      let claim: IdentityClaim;
      if (holder) claim = { outcome: 'held', heldBy: holder.alias };
      else {
        const { rowCount } = await client.query(
          `UPDATE token_journal SET exact_scope = $1, exact_user_id = $2, exact_user_name = $3, exact_division = $4,
             identity_chain = $5, identity_at = $6
           WHERE alias = $7 AND chain = $5`,
          [
            identity.scope,
            identity.userId,
            identity.userName ?? null,
            identity.division ?? null,
            identity.chain,
            identity.recordedAt,
            alias,
          ],
        );
        claim = rowCount === 1 ? { outcome: 'recorded' } : { outcome: 'stale' };
      }
      await client.query('COMMIT');
      return claim;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async appendAudit(alias: string, event: AuditEvent): Promise<void> {
    checkAlias(alias);
    checkAuditEvent(event);
    await this.pool.query(
      'INSERT INTO audit_trail (alias, kind, at, detail, chain, generation) VALUES ($1, $2, $3, $4, $5, $6)',
      [alias, event.kind, event.at, event.detail ?? null, event.chain ?? null, event.generation ?? null],
    );
  }

  async listAudit(alias: string, limit = 50): Promise<AuditEvent[]> {
    checkAlias(alias);
    checkLimit(limit);
    const { rows } = await this.pool.query<{
      kind: string;
      at: Date;
      detail: string | null;
      chain: number | null;
      generation: number | null;
    }>(
      'SELECT kind, at, detail, chain, generation FROM audit_trail WHERE alias = $1 ORDER BY at DESC, id DESC LIMIT $2',
      [alias, limit],
    );
    return rows.map((row) => {
      const event: AuditEvent = { kind: row.kind as AuditKind, at: row.at };
      if (row.detail !== null) event.detail = row.detail;
      if (row.chain !== null) event.chain = row.chain;
      if (row.generation !== null) event.generation = row.generation;
      return event;
    });
  }

  async probeWrite(alias: string): Promise<void> {
    checkAlias(alias);
    try {
      await this.pool.query('UPDATE token_journal SET updated_at = updated_at WHERE alias = $1', [alias]);
    } catch (error) {
      throw notWritable(error);
    }
  }

  async putCredentials(credentials: SealedCredentials): Promise<void> {
    checkCredentials(credentials);
    await this.pool.query(
      `INSERT INTO credentials (alias, sealed_box, key_id, entered_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (alias) DO UPDATE SET sealed_box = excluded.sealed_box, key_id = excluded.key_id,
         entered_at = excluded.entered_at, expires_at = excluded.expires_at,
         submit_pending = NULL, submit_pending_at = NULL`,
      [credentials.alias, credentials.sealedBox, credentials.keyId, credentials.enteredAt, credentials.expiresAt],
    );
  }

  async getCredentials(alias: string, now: Date): Promise<SealedCredentials | undefined> {
    checkAlias(alias);
    checkDate(now, 'now');
    const { rows } = await this.pool.query<
      Omit<SealedCredentials, 'alias' | 'submitPending'> & {
        submitPending: string | null;
        submitPendingAt: Date | null;
      }
    >(
      `SELECT sealed_box AS "sealedBox", key_id AS "keyId", entered_at AS "enteredAt", expires_at AS "expiresAt",
         submit_pending AS "submitPending", submit_pending_at AS "submitPendingAt"
       FROM credentials WHERE alias = $1 AND expires_at > $2`,
      [alias, now],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const { submitPending, submitPendingAt, ...rest } = row;
    const credentials: SealedCredentials = { alias, ...rest };
    if (submitPending !== null) credentials.submitPending = { step: submitPending, at: submitPendingAt ?? new Date(0) };
    return credentials;
  }

  async markSubmitPending(entry: CredentialsEntry, step: string, at: Date): Promise<boolean> {
    checkAlias(entry.alias);
    checkDate(at, 'at');
    const { rowCount } = await this.pool.query(
      'UPDATE credentials SET submit_pending = $1, submit_pending_at = $2 WHERE alias = $3 AND entered_at = $4',
      [step, at, entry.alias, entry.enteredAt],
    );
    return (rowCount ?? 0) > 0;
  }

  async clearSubmitPending(entry: CredentialsEntry): Promise<void> {
    checkAlias(entry.alias);
    await this.pool.query(
      'UPDATE credentials SET submit_pending = NULL, submit_pending_at = NULL WHERE alias = $1 AND entered_at = $2',
      [entry.alias, entry.enteredAt],
    );
  }

  async deleteCredentials(alias: string): Promise<boolean> {
    checkAlias(alias);
    const { rowCount } = await this.pool.query('DELETE FROM credentials WHERE alias = $1', [alias]);
    return (rowCount ?? 0) > 0;
  }

  close(): Promise<void> {
    // pg refuses a second end(); closing twice is harmless here.
    this.closing ??= this.pool.end();
    return this.closing;
  }

  /**
   * One UPDATE guarded by the expected version (or an INSERT when nothing may be stored yet). A concurrent writer
   * waits on the row lock, then finds the version changed and updates nothing.
   */
  private async compareAndSet(
    row: JournalRow,
    expected: ChainVersion | undefined,
    write: TokenWrite,
  ): Promise<WriteResult> {
    const values = [
      row.alias,
      row.chain,
      row.generation,
      row.keyId,
      row.refreshTokenBox,
      row.accessTokenBox,
      row.accessTokenIssuedAt,
      row.accessTokenExpiresAt,
      row.updatedAt,
    ];
    const { rowCount } =
      expected === undefined
        ? await this.pool.query(
            `INSERT INTO token_journal (alias, chain, generation, key_id, refresh_token_box, access_token_box,
               access_token_issued_at, access_token_expires_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (alias) DO NOTHING`,
            values,
          )
        : await this.pool.query(
            `UPDATE token_journal SET chain = $2, generation = $3, key_id = $4, refresh_token_box = $5,
               access_token_box = $6, access_token_issued_at = $7, access_token_expires_at = $8, updated_at = $9
             WHERE alias = $1 AND chain = $10 AND generation = $11`,
            [...values, expected.chain, expected.generation],
          );
    return rowCount === 1
      ? { written: true, record: writtenRecord(row, write) }
      : { written: false, current: await this.readRecord(row.alias) };
  }

  private async readRecord(alias: string): Promise<ChainRecord | undefined> {
    const { rows } = await this.pool.query<JournalRow & IdentityColumns>(
      `SELECT ${JOURNAL_COLUMNS} FROM token_journal WHERE alias = $1`,
      [alias],
    );
    const row = rows[0];
    return row === undefined ? undefined : openJournalRow(this.sealer, row);
  }
}
