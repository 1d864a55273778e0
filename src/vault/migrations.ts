import type { PgPool, SqliteDatabase } from './drivers';
import { VaultError } from './errors';

/** One schema step, in both dialects. Steps are append-only: a released step is never edited, only followed. */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'token journal, audit trail, sealed credentials',
    sqlite: `
      CREATE TABLE token_journal (
        alias TEXT PRIMARY KEY NOT NULL,
        chain INTEGER NOT NULL CHECK (chain >= 1),
        generation INTEGER NOT NULL CHECK (generation >= 1),
        key_id TEXT NOT NULL,
        refresh_token_box TEXT NOT NULL,
        access_token_box TEXT,
        access_token_issued_at INTEGER,
        access_token_expires_at INTEGER,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE audit_trail (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alias TEXT NOT NULL,
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        detail TEXT,
        chain INTEGER,
        generation INTEGER
      ) STRICT;
      CREATE INDEX audit_trail_by_alias ON audit_trail (alias, at DESC, id DESC);
      CREATE TABLE credentials (
        alias TEXT PRIMARY KEY NOT NULL,
        sealed_box TEXT NOT NULL,
        key_id TEXT NOT NULL,
        entered_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;`,
    postgres: `
      CREATE TABLE token_journal (
        alias TEXT PRIMARY KEY,
        chain INTEGER NOT NULL CHECK (chain >= 1),
        generation INTEGER NOT NULL CHECK (generation >= 1),
        key_id TEXT NOT NULL,
        refresh_token_box TEXT NOT NULL,
        access_token_box TEXT,
        access_token_issued_at TIMESTAMPTZ,
        access_token_expires_at TIMESTAMPTZ,
        updated_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE audit_trail (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alias TEXT NOT NULL,
        kind TEXT NOT NULL,
        at TIMESTAMPTZ NOT NULL,
        detail TEXT,
        chain INTEGER,
        generation INTEGER
      );
      CREATE INDEX audit_trail_by_alias ON audit_trail (alias, at DESC, id DESC);
      CREATE TABLE credentials (
        alias TEXT PRIMARY KEY,
        sealed_box TEXT NOT NULL,
        key_id TEXT NOT NULL,
        entered_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );`,
  },
  {
    version: 2,
    name: 'credentials: a login submit awaiting confirmation',
    // Written before a password or TOTP code is submitted and cleared when the next page confirms it: a worker
    // that dies in between leaves the mark, and no login uses the entry again until an admin says so.
    sqlite: `
      ALTER TABLE credentials ADD COLUMN submit_pending TEXT;
      ALTER TABLE credentials ADD COLUMN submit_pending_at INTEGER;`,
    postgres: `
      ALTER TABLE credentials ADD COLUMN submit_pending TEXT;
      ALTER TABLE credentials ADD COLUMN submit_pending_at TIMESTAMPTZ;`,
  },
  {
    version: 3,
    name: "token journal: the chain's Exact user and division",
    // From /Me after each enrollment and recovery: one container per Exact user and app, found by the index.
    sqlite: `
      ALTER TABLE token_journal ADD COLUMN exact_scope TEXT;
      ALTER TABLE token_journal ADD COLUMN exact_user_id TEXT;
      ALTER TABLE token_journal ADD COLUMN exact_user_name TEXT;
      ALTER TABLE token_journal ADD COLUMN exact_division INTEGER;
      ALTER TABLE token_journal ADD COLUMN identity_chain INTEGER;
      ALTER TABLE token_journal ADD COLUMN identity_at INTEGER;
      CREATE INDEX token_journal_by_exact_user ON token_journal (exact_scope, exact_user_id);`,
    postgres: `
      ALTER TABLE token_journal ADD COLUMN exact_scope TEXT;
      ALTER TABLE token_journal ADD COLUMN exact_user_id TEXT;
      ALTER TABLE token_journal ADD COLUMN exact_user_name TEXT;
      ALTER TABLE token_journal ADD COLUMN exact_division INTEGER;
      ALTER TABLE token_journal ADD COLUMN identity_chain INTEGER;
      ALTER TABLE token_journal ADD COLUMN identity_at TIMESTAMPTZ;
      CREATE INDEX token_journal_by_exact_user ON token_journal (exact_scope, exact_user_id);`,
  },
];

const LATEST = Math.max(...MIGRATIONS.map((step) => step.version));

/** Applies the steps this store lacks, in one BEGIN IMMEDIATE transaction (a second process waits, then finds them applied). */
export function migrateSqlite(db: SqliteDatabase): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    const applied = checkApplied(rows.map((row) => Number(row.version)));
    for (const step of MIGRATIONS.filter((candidate) => !applied.has(candidate.version))) {
      db.exec(step.sqlite);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        step.version,
        step.name,
        Date.now(),
      );
    }
  }).immediate();
}

/**
 * Applies the steps this schema lacks in one transaction, under an advisory lock per schema, so workers that
 * start together take turns instead of racing on CREATE TABLE.
 */
export async function migratePostgres(pool: PgPool): Promise<void> {
  // Up to date: nothing to write, so a worker starts on a store that refuses writes (read-only, full disk) and
  // waits in `retrying` like a running one, instead of failing to start until the store takes writes again.
  if (await postgresUpToDate(pool)) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('chainkeeper.migrate:' || current_schema()))`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = checkApplied(rows.map((row) => Number(row.version)));
    for (const step of MIGRATIONS.filter((candidate) => !applied.has(candidate.version))) {
      await client.query(step.postgres);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Whether every migration is applied, found by reads only. */
async function postgresUpToDate(pool: PgPool): Promise<boolean> {
  const { rows: present } = await pool.query<{ found: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS found`,
  );
  if (!present[0]?.found) return false;
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = checkApplied(rows.map((row) => Number(row.version)));
  return MIGRATIONS.every((step) => applied.has(step.version));
}

function checkApplied(versions: number[]): Set<number> {
  const newest = Math.max(0, ...versions);
  if (newest > LATEST) {
    throw new VaultError(
      'newer-schema',
      `The store's schema is at version ${newest}, newer than this chainkeeper knows (${LATEST}). Upgrade this worker.`,
    );
  }
  return new Set(versions);
}
