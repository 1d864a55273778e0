import { createRequire } from 'node:module';

/*
 * The database drivers ship no TypeScript types and @types/better-sqlite3 / @types/pg are not installed, so the
 * vault describes the few calls it makes here and loads the CommonJS drivers through `require`.
 */

export interface SqliteRunResult {
  changes: number;
}

export interface SqliteStatement {
  run(...params: unknown[]): SqliteRunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteTransaction<Result> {
  (): Result;
  /** Runs inside BEGIN IMMEDIATE: takes the write lock first, so two processes never both read-then-write. */
  immediate(): Result;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<Result>(fn: () => Result): SqliteTransaction<Result>;
  close(): void;
  readonly open: boolean;
}

export type SqliteDatabaseConstructor = new (filename: string, options?: { timeout?: number }) => SqliteDatabase;

export interface PgQueryResult<Row> {
  rows: Row[];
  rowCount: number | null;
}

export interface PgQueryable {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgQueryResult<Row>>;
}

export interface PgPoolClient extends PgQueryable {
  release(error?: Error | boolean): void;
}

export interface PgPoolConfig {
  connectionString: string;
  max?: number;
  /** Startup options sent to the server, e.g. `-c search_path=...`. */
  options?: string;
  connectionTimeoutMillis?: number;
}

export interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

const requireDriver = createRequire(import.meta.url);

export function loadSqlite(): SqliteDatabaseConstructor {
  return requireDriver('better-sqlite3') as SqliteDatabaseConstructor;
}

export function loadPg(): { Pool: new (config: PgPoolConfig) => PgPool } {
  return requireDriver('pg') as { Pool: new (config: PgPoolConfig) => PgPool };
}
