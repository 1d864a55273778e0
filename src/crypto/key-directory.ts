import { existsSync, readdirSync } from 'node:fs';
import {
  generateConsumerKeyPair,
  loadConsumerPublicKey,
  writeConsumerKeyPair,
  type ConsumerPublicKey,
} from './consumer-keys';
import { generateHistoryKey, loadHistoryKeys, writeHistoryKey, type HistoryKeyring } from './history-keys';
import { generateOrgKeyPair, loadOrgKeys, writeOrgKeyPair, type OrgKeyRing } from './keys';

/** Every key a chainkeeper process uses, from one directory (CHAINKEEPER_KEYS_DIR). */
export interface KeyDirectory {
  /** Organization key pair(s): seal credentials, refresh tokens given by hand, and tokens at rest. */
  org: OrgKeyRing;
  /** Symmetric keys of the Temporal payload codec. */
  history: HistoryKeyring;
  /** The consumer public key access tokens are sealed to; its private half belongs to consumers. */
  consumer: ConsumerPublicKey;
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

/** Loads the organization, history and consumer (public) keys from `dir`, creating them first when asked to. */
export async function loadKeyDirectory(dir: string, options: LoadKeysOptions = {}): Promise<KeyDirectory> {
  if (options.createIfMissing) {
    if (!has(dir, /^org-.+\.(key|pub)$/)) await writeOrgKeyPair(dir, generateOrgKeyPair());
    if (!has(dir, /^history-.+\.key$/)) await writeHistoryKey(dir, await generateHistoryKey());
    // One machine: the consumer private key stays beside the others, so `chainkeeper token` works out of the box.
    if (!has(dir, /^consumer-.+\.(key|pub)$/)) await writeConsumerKeyPair(dir, generateConsumerKeyPair());
  }
  return {
    org: await loadOrgKeys(dir),
    history: await loadHistoryKeys(dir),
    consumer: await loadConsumerPublicKey(dir),
  };
}
