import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers';

/**
 * A history key id: `h-<creation time, unix seconds, 8 hex>-<8 random hex>`. The time prefix makes ids sort by age,
 * so every worker that loads the same key files picks the same current key, whatever the files' mtimes.
 */
export const HISTORY_KEY_ID_PATTERN = /^h-[0-9a-f]{8}-[0-9a-f]{8}$/;

/** Bytes of a history key (XChaCha20-Poly1305). */
export const HISTORY_KEY_BYTES = 32;

const KEY_FILE_PATTERN = /^history-(.+)\.key$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/** One symmetric key that encrypts Temporal payloads. */
export interface HistoryKey {
  id: string;
  key: Uint8Array;
}

/** Every history key a process can decode with, and the one it encrypts with. */
export interface HistoryKeyring {
  /** The key new payloads are encrypted with: the newest one. */
  currentKeyId: string;
  /** All keys by id; keys retired by rotation stay here so old history still decodes. */
  keys: Map<string, Uint8Array>;
}

/** A history key file or directory that cannot be used as it is. */
export class HistoryKeyError extends Error {
  override readonly name = 'HistoryKeyError';
  constructor(
    message: string,
    /** The file or directory at fault. */
    readonly path: string,
  ) {
    super(message);
  }
}

/** A fresh random history key whose id records `now`. */
export async function generateHistoryKey(now: Date = new Date()): Promise<HistoryKey> {
  await sodium.ready;
  const seconds = Math.floor(now.getTime() / 1000);
  const id = `h-${seconds.toString(16).padStart(8, '0')}-${randomBytes(4).toString('hex')}`;
  return { id, key: sodium.crypto_aead_xchacha20poly1305_ietf_keygen() };
}

/** Writes `history-<id>.key` (base64, mode 0600) into `dir`, creating `dir` (0700). Never overwrites: returns the path. */
export async function writeHistoryKey(dir: string, key: HistoryKey): Promise<string> {
  if (!HISTORY_KEY_ID_PATTERN.test(key.id)) {
    throw new HistoryKeyError(`history key id "${key.id}" is not of the form h-<8 hex>-<8 hex>`, dir);
  }
  if (key.key.length !== HISTORY_KEY_BYTES) {
    throw new HistoryKeyError(`history key ${key.id} has ${key.key.length} bytes, expected ${HISTORY_KEY_BYTES}`, dir);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `history-${key.id}.key`);
  try {
    await writeFile(path, `${Buffer.from(key.key).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new HistoryKeyError(`${path} already exists; history keys are never overwritten`, path);
    }
    throw error;
  }
  return path;
}

/** Reads every `history-<id>.key` in `dir`; the newest key becomes current. */
export async function loadHistoryKeys(dir: string): Promise<HistoryKeyring> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HistoryKeyError(`history key directory ${dir} does not exist: run chainkeeper keys init`, dir);
    }
    throw error;
  }
  const keys = new Map<string, Uint8Array>();
  for (const name of names.sort()) {
    const id = KEY_FILE_PATTERN.exec(name)?.[1];
    if (id === undefined) continue;
    keys.set(id, await readKeyFile(join(dir, name), id));
  }
  const ids = [...keys.keys()].sort();
  const currentKeyId = ids[ids.length - 1];
  if (currentKeyId === undefined) {
    throw new HistoryKeyError(`no history-<id>.key file in ${dir}: run chainkeeper keys init`, dir);
  }
  return { currentKeyId, keys };
}

async function readKeyFile(path: string, id: string): Promise<Uint8Array> {
  if (!HISTORY_KEY_ID_PATTERN.test(id)) {
    throw new HistoryKeyError(
      `${path}: key id "${id}" is not of the form h-<8 hex>-<8 hex>; rename or remove it`,
      path,
    );
  }
  const info = await stat(path);
  if (!info.isFile()) throw new HistoryKeyError(`${path} is not a regular file`, path);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8);
    throw new HistoryKeyError(`${path} is readable by group or others (mode ${mode}): run chmod 600 ${path}`, path);
  }
  const text = (await readFile(path, 'utf8')).trim();
  const key = BASE64_PATTERN.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (key?.length !== HISTORY_KEY_BYTES) {
    // Says nothing about the content: it may be a key, just a damaged one.
    throw new HistoryKeyError(`${path} does not hold a base64 ${HISTORY_KEY_BYTES}-byte key`, path);
  }
  return new Uint8Array(key);
}
