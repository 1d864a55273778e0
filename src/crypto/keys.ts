import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sodium from 'libsodium-wrappers';

// Every function here (and in seal.ts) may then call sodium synchronously.
await sodium.ready;

/**
 * The organization key: credentials and stored tokens are sealed to its public key where they are entered;
 * only workers hold the private key. Admins' machines that only seal may hold the public key alone.
 */
export interface OrgKey {
  /** First 16 hex characters of BLAKE2b-256 of the public key; names the key in files and sealed rows. */
  keyId: string;
  /** X25519 public key (32 bytes). */
  publicKey: Uint8Array;
  /** X25519 private key (32 bytes); absent on machines that only seal. */
  privateKey?: Uint8Array;
}

export interface OrgKeyPair extends OrgKey {
  privateKey: Uint8Array;
}

/** The keys found in a key directory: `current` seals new boxes, every key opens boxes sealed to it. */
export interface OrgKeyRing {
  current: OrgKey;
  /** Every key found, `current` included, ordered by key id. */
  keys: OrgKey[];
}

export type OrgKeyProblem =
  | 'missing-dir'
  | 'no-keys'
  | 'unreadable'
  | 'insecure-permissions'
  | 'malformed'
  | 'id-mismatch'
  | 'exists'
  | 'unknown-current';

/** A key directory or key file that cannot be used; the message names the file and what to do. Never holds key bytes. */
export class KeyFileError extends Error {
  constructor(
    readonly problem: OrgKeyProblem,
    message: string,
  ) {
    super(message);
  }
}

/** A problem with the organization key files. */
export class OrgKeyError extends KeyFileError {
  override readonly name = 'OrgKeyError';
}

/**
 * A family of X25519 key pairs kept as `<prefix>-<keyId>.pub` / `.key` files: the organization keys (workers open
 * what is sealed to them) and the consumer keys (consumers open access tokens). One loader serves both, so both
 * get the same owner-only checks.
 */
export interface KeyFamily {
  prefix: string;
  /** How messages name a key of the family, e.g. "organization key". */
  label: string;
  /** File naming the key that seals new boxes; without it the newest key file wins. */
  currentFile: string;
  /** Which files a directory of the family holds, for messages. */
  expectedFiles: string;
  /** What to run when the family has no key yet. */
  remedy: string;
  error: (problem: OrgKeyProblem, message: string) => KeyFileError;
}

const KEY_BYTES = 32;
/** Optional file holding the id of the key that seals new boxes; without it the newest key file wins. */
export const CURRENT_KEY_FILE = 'current';

export const ORG_KEYS: KeyFamily = {
  prefix: 'org',
  label: 'organization key',
  currentFile: CURRENT_KEY_FILE,
  expectedFiles: 'files org-<keyId>.pub and org-<keyId>.key',
  remedy: 'Generate a key pair into it first.',
  error: (problem, message) => new OrgKeyError(problem, message),
};

const keyFilePattern = (family: KeyFamily): RegExp => new RegExp(`^${family.prefix}-([0-9a-f]{16})\\.(pub|key)$`);

/** The key id of a public key. */
export function keyIdOf(publicKey: Uint8Array): string {
  return sodium.to_hex(sodium.crypto_generichash(32, publicKey, null)).slice(0, 16);
}

export function generateOrgKeyPair(): OrgKeyPair {
  const { publicKey, privateKey } = sodium.crypto_box_keypair();
  return { keyId: keyIdOf(publicKey), publicKey, privateKey };
}

/**
 * Writes `org-<keyId>.key` (mode 0600) and `org-<keyId>.pub` (mode 0644) into `dir` (created with mode 0700).
 * Each file appears whole and with its final mode, and an existing file is never overwritten.
 */
export async function writeOrgKeyPair(
  dir: string,
  pair: OrgKeyPair,
): Promise<{ publicKeyFile: string; privateKeyFile: string }> {
  return writeKeyPairOf(ORG_KEYS, dir, pair);
}

/** Writes `<prefix>-<keyId>.key` (mode 0600) and `.pub` (mode 0644) of a family into `dir` (created with mode 0700). */
export async function writeKeyPairOf(
  family: KeyFamily,
  dir: string,
  pair: OrgKeyPair,
): Promise<{ publicKeyFile: string; privateKeyFile: string }> {
  checkPairMatches(family, pair);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const privateKeyFile = join(dir, `${family.prefix}-${pair.keyId}.key`);
  // Checked up front too, so a half-written pair (a new .key beside an old .pub) never happens.
  for (const file of [privateKeyFile, join(dir, `${family.prefix}-${pair.keyId}.pub`)]) {
    if (await exists(file)) {
      throw family.error('exists', `${file} already exists; it is never overwritten. Remove it first if you mean to.`);
    }
  }
  await writeNewFile(family, privateKeyFile, encodeKey(pair.privateKey), 0o600);
  const publicKeyFile = await writePublicKeyOf(family, dir, pair);
  return { publicKeyFile, privateKeyFile };
}

/** Writes only `org-<keyId>.pub` (mode 0644): what an admin's machine needs to seal credentials. */
export async function writeOrgPublicKey(dir: string, key: Pick<OrgKey, 'keyId' | 'publicKey'>): Promise<string> {
  return writePublicKeyOf(ORG_KEYS, dir, key);
}

/** Writes only `<prefix>-<keyId>.pub` (mode 0644) of a family. */
export async function writePublicKeyOf(
  family: KeyFamily,
  dir: string,
  key: Pick<OrgKey, 'keyId' | 'publicKey'>,
): Promise<string> {
  if (keyIdOf(key.publicKey) !== key.keyId) {
    throw family.error('id-mismatch', `Key id ${key.keyId} does not belong to the given public key.`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${family.prefix}-${key.keyId}.pub`);
  await writeNewFile(family, file, encodeKey(key.publicKey), 0o644);
  return file;
}

/** Makes `keyId` the key that seals new boxes, whatever the files' ages. */
export async function markCurrentOrgKey(dir: string, keyId: string): Promise<void> {
  const ring = await loadOrgKeys(dir);
  if (!ring.keys.some((key) => key.keyId === keyId)) {
    throw new OrgKeyError('unknown-current', `There is no key ${keyId} in ${dir}.`);
  }
  const file = join(dir, CURRENT_KEY_FILE);
  await unlink(file).catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
  await writeNewFile(ORG_KEYS, file, keyId, 0o644);
}

/**
 * Loads every `org-<keyId>.pub` / `org-<keyId>.key` in `dir`. The current key is the one named in the file
 * `current`, else the one whose newest file is newest. Refuses private keys readable by group or others.
 */
export async function loadOrgKeys(dir: string): Promise<OrgKeyRing> {
  return loadKeyRingOf(ORG_KEYS, dir);
}

/** loadOrgKeys for any key family. */
export async function loadKeyRingOf(family: KeyFamily, dir: string): Promise<OrgKeyRing> {
  const names = await listKeyDir(family, dir);
  const pattern = keyFilePattern(family);
  const found = new Map<string, { pub?: string; key?: string; mtimeMs: number }>();
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const [, keyId = '', kind] = match;
    const entry = found.get(keyId) ?? { mtimeMs: 0 };
    const file = join(dir, name);
    entry[kind === 'pub' ? 'pub' : 'key'] = file;
    entry.mtimeMs = Math.max(entry.mtimeMs, (await statKeyFile(family, file, kind === 'key')).mtimeMs);
    found.set(keyId, entry);
  }
  if (found.size === 0) {
    throw family.error('no-keys', `No ${family.label} in ${dir} (expected ${family.expectedFiles}). ${family.remedy}`);
  }
  const keys: OrgKey[] = [];
  for (const [keyId, files] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    keys.push(await loadKey(family, keyId, files));
  }
  const current = (await readCurrentKeyId(family, dir, keys)) ?? newestKeyId(found);
  return { current: keys.find((key) => key.keyId === current)!, keys };
}

/** Reads one `<prefix>-<keyId>.key` or `.pub` file of a family on its own (a consumer's single key file). */
export async function loadKeyFileOf(family: KeyFamily, file: string): Promise<OrgKey> {
  const match = keyFilePattern(family).exec(basename(file));
  if (!match) {
    throw family.error(
      'malformed',
      `${file} is not a ${family.label} file: its name must be ${family.prefix}-<keyId>.key (or .pub).`,
    );
  }
  const [, keyId = '', kind] = match;
  await statKeyFile(family, file, kind === 'key');
  return loadKey(family, keyId, kind === 'key' ? { key: file } : { pub: file });
}

async function loadKey(family: KeyFamily, keyId: string, files: { pub?: string; key?: string }): Promise<OrgKey> {
  const privateKey = files.key === undefined ? undefined : await readKeyFile(family, files.key);
  const publicKey =
    files.pub === undefined ? sodium.crypto_scalarmult_base(privateKey!) : await readKeyFile(family, files.pub);
  const where = files.pub ?? files.key!;
  if (keyIdOf(publicKey) !== keyId) {
    throw family.error(
      'id-mismatch',
      `${where} holds key ${keyIdOf(publicKey)}, not ${keyId} as its name says. Restore the original file or remove it.`,
    );
  }
  if (privateKey !== undefined && !sodium.memcmp(sodium.crypto_scalarmult_base(privateKey), publicKey)) {
    throw family.error(
      'id-mismatch',
      `${files.key!} is not the private key of ${where}. Restore the original pair or remove the stray file.`,
    );
  }
  return privateKey === undefined ? { keyId, publicKey } : { keyId, publicKey, privateKey };
}

async function listKeyDir(family: KeyFamily, dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) {
      throw family.error('missing-dir', `Key directory ${dir} does not exist. ${family.remedy}`);
    }
    throw family.error('unreadable', `Key directory ${dir} cannot be read (${errorCode(error)}).`);
  }
}

async function statKeyFile(family: KeyFamily, file: string, isPrivate: boolean): Promise<{ mtimeMs: number }> {
  const info = await stat(file).catch((error: unknown) => {
    throw family.error('unreadable', `Key file ${file} cannot be read (${errorCode(error)}).`);
  });
  if (!info.isFile()) throw family.error('unreadable', `Key file ${file} is not a regular file.`);
  // Windows has no such mode bits; its ACLs are the operator's job there.
  if (isPrivate && process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw family.error(
      'insecure-permissions',
      `Private key ${file} can be read by other users (mode ${(info.mode & 0o777).toString(8)}). Run \`chmod 600 ${file}\`, and replace the key if others may have read it.`,
    );
  }
  return info;
}

async function readKeyFile(family: KeyFamily, file: string): Promise<Uint8Array> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw family.error('unreadable', `Key file ${file} cannot be read (${errorCode(error)}).`);
  });
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/]{43}=$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (bytes?.length !== KEY_BYTES) {
    throw family.error('malformed', `Key file ${file} does not hold a base64 32-byte key. Restore it from a backup.`);
  }
  return new Uint8Array(bytes);
}

async function readCurrentKeyId(family: KeyFamily, dir: string, keys: OrgKey[]): Promise<string | undefined> {
  const file = join(dir, family.currentFile);
  let keyId: string;
  try {
    keyId = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw family.error('unreadable', `${file} cannot be read (${errorCode(error)}).`);
  }
  if (!keys.some((key) => key.keyId === keyId)) {
    throw family.error(
      'unknown-current',
      `${file} names key "${keyId}", which is not in ${dir}. Write the id of one of: ${keys.map((k) => k.keyId).join(', ')}.`,
    );
  }
  return keyId;
}

function newestKeyId(found: Map<string, { mtimeMs: number }>): string {
  // Ties (same mtime) go to the larger id so the choice never depends on directory order.
  return [...found].sort(([idA, a], [idB, b]) => b.mtimeMs - a.mtimeMs || idB.localeCompare(idA))[0]![0];
}

function checkPairMatches(family: KeyFamily, pair: OrgKeyPair): void {
  if (keyIdOf(pair.publicKey) !== pair.keyId) {
    throw family.error('id-mismatch', `Key id ${pair.keyId} does not belong to the given public key.`);
  }
  if (!sodium.memcmp(sodium.crypto_scalarmult_base(pair.privateKey), pair.publicKey)) {
    throw family.error('id-mismatch', `The private key of ${pair.keyId} does not belong to its public key.`);
  }
}

function encodeKey(key: Uint8Array): string {
  return `${Buffer.from(key).toString('base64')}\n`;
}

/** Writes a temporary file with its final mode, then hard-links it into place: never partial, never overwriting. */
async function writeNewFile(family: KeyFamily, file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // The umask may only have removed bits; a public key file must stay readable by everyone.
    await chmod(temporary, mode);
    await link(temporary, file);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      throw family.error('exists', `${file} already exists; it is never overwritten. Remove it first if you mean to.`);
    }
    throw error;
  } finally {
    await unlink(temporary);
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    (error: unknown) => {
      if (isMissing(error)) return false;
      throw error;
    },
  );
}

function isMissing(error: unknown): boolean {
  return errorCode(error) === 'ENOENT';
}
