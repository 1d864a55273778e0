import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrgKeyPair } from '../../src/crypto/keys';
import { createTokenSealer } from '../../src/crypto/seal';
import { loadPg, type PgPool } from '../../src/vault/drivers';
import { openVault } from '../../src/vault/open-vault';
import { PostgresVault } from '../../src/vault/postgres-vault';
import type { Vault } from '../../src/vault/vault';
import { describeVaultContract, type VaultTable, type VaultTestStore } from './vault-contract';

/** Mandatory in CI: an unreachable server fails this file, it is never skipped. */
const POSTGRES_URL = process.env.CHAINKEEPER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TABLES: VaultTable[] = ['token_journal', 'audit_trail', 'credentials', 'schema_migrations'];

let admin: PgPool;

beforeAll(async () => {
  const { Pool } = loadPg();
  admin = new Pool({ connectionString: POSTGRES_URL, max: 2, connectionTimeoutMillis: 10_000 });
  admin.on('error', () => undefined);
  try {
    await admin.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${new URL(POSTGRES_URL).host} (${(error as Error).message}). ` +
        'Start it (CI runs it) or point CHAINKEEPER_TEST_POSTGRES_URL at a server with a database to test in.',
      { cause: error },
    );
  }
});

afterAll(async () => {
  await admin?.end();
});

/** Each store is its own schema, so parallel runs and tests never see each other's rows. */
async function createPostgresStore(): Promise<VaultTestStore> {
  const schema = `ck_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const opened: Vault[] = [];
  return {
    open: (sealer, now) => {
      const vault = new PostgresVault({ connectionString: POSTGRES_URL, sealer, schema, ...(now ? { now } : {}) });
      opened.push(vault);
      return Promise.resolve(vault);
    },
    countRows: async (table, alias) => {
      const { rows } =
        alias === undefined
          ? await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.${table}`)
          : await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.${table} WHERE alias = $1`, [
              alias,
            ]);
      return rows[0]!.n;
    },
    contentAtRest: async () => {
      const dumps: string[] = [];
      for (const table of TABLES) {
        const { rows } = await admin.query<{ dump: string | null }>(
          `SELECT string_agg(row_to_json(t)::text, E'\\n') AS dump FROM ${schema}.${table} t`,
        );
        dumps.push(rows[0]?.dump ?? '');
      }
      return dumps.join('\n');
    },
    dispose: async () => {
      await Promise.all(opened.map((vault) => vault.close()));
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

describeVaultContract('PostgreSQL', createPostgresStore);

describe('opening a PostgreSQL store', () => {
  it('opens a postgres:// URL into a schema and migrates it', async () => {
    const schema = `ck_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    const key = generateOrgKeyPair();
    const vault = await openVault({
      url: POSTGRES_URL,
      schema,
      sealer: createTokenSealer({ current: key, keys: [key] }),
    });
    try {
      expect((await vault.startChain('acme', undefined, { refreshToken: 'rt-pg' })).written).toBe(true);
      const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.token_journal`);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await vault.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('opens a store that is up to date while it refuses writes (read-only), without DDL', async () => {
    const schema = `ck_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    const key = generateOrgKeyPair();
    const sealer = createTokenSealer({ current: key, keys: [key] });
    try {
      const first = await openVault({ url: POSTGRES_URL, schema, sealer });
      await first.close();
      // A worker (re)started while the server is read-only: every transaction of its sessions is read-only.
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema} -c default_transaction_read_only=on`);
      const readOnly = await openVault({ url: url.toString(), sealer });
      try {
        await expect(readOnly.listAudit('acme', 10)).resolves.toEqual([]);
        await expect(readOnly.startChain('acme', undefined, { refreshToken: 'rt-ro' })).rejects.toThrow();
      } finally {
        await readOnly.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('refuses a schema name that would need quoting', () => {
    const key = generateOrgKeyPair();
    expect(
      () =>
        new PostgresVault({
          connectionString: POSTGRES_URL,
          schema: 'x; DROP TABLE y',
          sealer: createTokenSealer({ current: key, keys: [key] }),
        }),
    ).toThrow(/not allowed/);
  });
});
