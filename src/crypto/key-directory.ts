import { existsSync, readdirSync } from 'node:fs';
import { generateHistoryKey, loadHistoryKeys, writeHistoryKey, type HistoryKeyring } from './history-keys';
import { generateOrgKeyPair, loadOrgKeys, writeOrgKeyPair, type OrgKeyRing } from './keys';

/** Every key a chainkeeper process uses, from one directory (CHAINKEEPER_KEYS_DIR). */
export interface KeyDirectory {
  /** Organization key pair(s): seal credentials and tokens at rest. */
  org: OrgKeyRing;
  /** Symmetric keys of the Temporal payload codec. */
  history: HistoryKeyring;
}

export interface LoadKeysOptions {
  /**
   * Create the missing keys (owner-only files). True for the embedded default (`npm start`, tests); a production
   * worker should get keys made on purpose with `chainkeeper keys init`. @default false
   */
  createIfMissing?: boolean;
}

const has = (dir: string, pattern: RegExp): boolean =>
  existsSync(dir) && readdirSync(dir).some((name) => pattern.test(name));

/** Loads the organization and history keys from `dir`, creating them first when asked to. */
export async function loadKeyDirectory(dir: string, options: LoadKeysOptions = {}): Promise<KeyDirectory> {
  if (options.createIfMissing) {
    if (!has(dir, /^org-.+\.(key|pub)$/)) await writeOrgKeyPair(dir, generateOrgKeyPair());
    if (!has(dir, /^history-.+\.key$/)) await writeHistoryKey(dir, await generateHistoryKey());
  }
  return { org: await loadOrgKeys(dir), history: await loadHistoryKeys(dir) };
}
