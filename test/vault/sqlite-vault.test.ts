import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOrgKeyPair } from '../../src/crypto/keys';
import { createTokenSealer } from '../../src/crypto/seal';
import { loadSqlite, type SqliteDatabase } from '../../src/vault/drivers';
import { VaultError } from '../../src/vault/errors';
import { openVault, parseStoreUrl } from '../../src/vault/open-vault';
import { SqliteVault } from '../../src/vault/sqlite-vault';
import type { Vault } from '../../src/vault/vault';
import { describeVaultContract, type VaultTable, type VaultTestStore } from './vault-contract';

async function createSqliteStore(): Promise<VaultTestStore> {
  const dir = await mkdtemp(join(tmpdir(), 'chainkeeper-vault-'));
  const path = join(dir, 'chainkeeper.db');
  const opened: Vault[] = [];
  const Database = loadSqlite();
  const withDatabase = <Result>(work: (db: SqliteDatabase) => Result): Result => {
    const db = new Database(path);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    open: (sealer, now) => {
      const vault = new SqliteVault(now === undefined ? { path, sealer } : { path, sealer, now });
      opened.push(vault);
      return Promise.resolve(vault);
    },
    countRows: (table: VaultTable, alias?: string) =>
      Promise.resolve(
        withDatabase((db) => {
          const row = (
            alias === undefined
              ? db.prepare(`SELECT count(*) AS n FROM ${table}`).get()
              : db.prepare(`SELECT count(*) AS n FROM ${table} WHERE alias = ?`).get(alias)
          ) as { n: number };
          return row.n;
        }),
      ),
    contentAtRest: async () => {
      // Raw bytes of the database and its write-ahead log: what a stolen disk would show.
      const files = await Promise.all([path, `${path}-wal`].map((file) => readFile(file).catch(() => Buffer.alloc(0))));
      return files.map((bytes) => bytes.toString('latin1')).join('\n');
    },
    dispose: async () => {
      await Promise.all(opened.map((vault) => vault.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describeVaultContract('SQLite', createSqliteStore);

describe('opening a SQLite store', () => {
  const key = generateOrgKeyPair();
  const sealer = createTokenSealer({ current: key, keys: [key] });
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainkeeper-open-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the directory and an owner-only database file in WAL mode, migrated', async () => {
    const path = join(dir, 'nested', 'data', 'chainkeeper.db');
    const vault = await openVault({ url: `sqlite:${path}`, sealer });
    await vault.startChain('acme', undefined, { refreshToken: 'refresh-token-of-acme' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested', 'data'))).mode & 0o777).toBe(0o700);
    const Database = loadSqlite();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await vault.close();
  });

  it('opens a plain file path and an in-memory store', async () => {
    const path = join(dir, 'plain.db');
    const plain = await openVault({ url: path, sealer });
    expect((await plain.startChain('acme', undefined, { refreshToken: 'rt' })).written).toBe(true);
    await plain.close();
    const reopened = await openVault({ url: path, sealer });
    expect((await reopened.readChain('acme'))?.refreshToken).toBe('rt');
    await reopened.close();

    const memory = await openVault({ url: ':memory:', sealer });
    expect(await memory.readChain('acme')).toBeUndefined();
    await memory.close();
  });
});

describe('store URLs', () => {
  it('names SQLite files, memory and PostgreSQL servers', () => {
    expect(parseStoreUrl()).toEqual({ kind: 'sqlite', path: 'data/chainkeeper.db' });
    expect(parseStoreUrl('sqlite:data/x.db')).toEqual({ kind: 'sqlite', path: 'data/x.db' });
    expect(parseStoreUrl('sqlite:///var/lib/x.db')).toEqual({ kind: 'sqlite', path: '/var/lib/x.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('/srv/chainkeeper.db')).toEqual({ kind: 'sqlite', path: '/srv/chainkeeper.db' });
    expect(parseStoreUrl('postgres://ck@db:5432/ck')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://ck@db:5432/ck',
    });
    expect(parseStoreUrl('postgresql://ck@db/ck').kind).toBe('postgres');
  });

  it('refuses unknown schemes and empty URLs without repeating a password', () => {
    for (const url of [
      'mysql://root:s3cr3t-pw@db/ck',
      '',
      '   ',
      'sqlite:',
      'sqlite://relative.db',
      'postgres://ck:s3cr3t-pw@[bad/ck',
    ]) {
      let error: unknown;
      try {
        parseStoreUrl(url);
      } catch (caught) {
        error = caught;
      }
      expect(error, url).toBeInstanceOf(VaultError);
      expect((error as VaultError).problem).toBe('bad-url');
      expect((error as VaultError).message).not.toContain('s3cr3t-pw');
      expect((error as VaultError).message).toContain('postgres://user@host:5432/database');
    }
  });
});
