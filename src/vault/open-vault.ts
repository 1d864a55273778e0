import type { TokenSealer } from '../crypto/seal';
import { VaultError } from './errors';
import { PostgresVault } from './postgres-vault';
import { DEFAULT_SQLITE_PATH, SqliteVault } from './sqlite-vault';
import type { Vault } from './vault';

export interface OpenVaultOptions {
  /**
   * Where the store lives: `sqlite:<path>`, a plain file path, `:memory:`, or `postgres://…` / `postgresql://…`.
   * @default 'data/chainkeeper.db'
   */
  url?: string;
  /** Seals tokens before they reach the database. */
  sealer: TokenSealer;
  /** Create or upgrade the schema before returning. @default true */
  migrate?: boolean;
  /** PostgreSQL only: the schema that holds the tables. @default the server's search_path */
  schema?: string;
  /** Clock for `updatedAt`. @default () => new Date() */
  now?: () => Date;
}

/** Which store a URL names; exported for configuration checks that should fail before anything opens. */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string };

export function parseStoreUrl(url: string = DEFAULT_SQLITE_PATH): StoreLocation {
  const trimmed = url.trim();
  if (trimmed === '') throw badUrl('The store URL is empty.');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    if (!URL.canParse(trimmed))
      throw badUrl('The postgres:// URL cannot be parsed (a password with @, / or : must be percent-encoded).');
    return { kind: 'postgres', connectionString: trimmed };
  }
  if (/^sqlite:/i.test(trimmed)) {
    // `sqlite:data/x.db`, `sqlite:///abs/x.db` and `sqlite::memory:` all name a file (or memory) after the scheme.
    const path = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '' || path.startsWith('//'))
      throw badUrl('A sqlite: store URL needs a file path, as in sqlite:data/chainkeeper.db.');
    return { kind: 'sqlite', path };
  }
  if (trimmed === ':memory:') return { kind: 'sqlite', path: ':memory:' };
  // A scheme of two or more letters is a URL we do not know; one letter is a Windows drive (C:\...).
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(trimmed)?.[1];
  if (scheme !== undefined) {
    throw badUrl(`Store URLs of scheme "${scheme}:" are not supported.`);
  }
  return { kind: 'sqlite', path: trimmed };
}

/** Opens (and by default migrates) the store a URL names. */
export async function openVault(options: OpenVaultOptions): Promise<Vault> {
  const location = parseStoreUrl(options.url);
  const now = options.now === undefined ? {} : { now: options.now };
  let vault: Vault;
  if (location.kind === 'postgres') {
    vault = new PostgresVault({
      connectionString: location.connectionString,
      sealer: options.sealer,
      ...now,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
    });
  } else {
    if (options.schema !== undefined) throw badUrl('A schema can only be chosen for a PostgreSQL store.');
    vault = new SqliteVault({ path: location.path, sealer: options.sealer, ...now });
  }
  if (options.migrate ?? true) {
    try {
      await vault.migrate();
    } catch (error) {
      await vault.close();
      throw error;
    }
  }
  return vault;
}

// The URL itself is never repeated: a postgres:// URL may carry a password.
function badUrl(problem: string): VaultError {
  return new VaultError(
    'bad-url',
    `${problem} Use sqlite:<path>, a file path, :memory: or postgres://user@host:5432/database.`,
  );
}
