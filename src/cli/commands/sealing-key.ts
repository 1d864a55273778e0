import { keyIdOf, loadOrgKeys, type OrgKey } from '../../crypto/keys';
import { UsageError } from '../alias';
import { keysDirectory } from './option-values';

/** Where to seal to: a public key typed on the command line, or a key of the key directory. */
export interface SealingKeyOptions {
  /** Base64 public key as `chainkeeper keys show` prints it. @default the key directory's current key */
  publicKey?: string;
  /** Id of that key (checked against it), or of a key in the key directory. @default the current key's */
  keyId?: string;
}

const PUBLIC_KEY_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * The organization public key to seal to. A machine that holds just the public key file, or is given the key on
 * the command line, can seal; only workers open.
 */
export async function sealingKey(options: SealingKeyOptions): Promise<Pick<OrgKey, 'keyId' | 'publicKey'>> {
  if (options.publicKey !== undefined) {
    const text = options.publicKey.trim();
    if (!PUBLIC_KEY_BASE64.test(text)) {
      throw new UsageError('--public-key must be the base64 public key that `chainkeeper keys show` prints.');
    }
    const publicKey = new Uint8Array(Buffer.from(text, 'base64'));
    const keyId = keyIdOf(publicKey);
    if (options.keyId !== undefined && options.keyId !== keyId) {
      throw new UsageError(
        `--key-id ${options.keyId.slice(0, 20)} does not belong to that public key (its id is ${keyId}): copy both from \`chainkeeper keys show\`.`,
      );
    }
    return { keyId, publicKey };
  }
  const ring = await loadOrgKeys(keysDirectory(undefined));
  if (options.keyId === undefined) return ring.current;
  const key = ring.keys.find((candidate) => candidate.keyId === options.keyId);
  if (!key) {
    throw new UsageError(
      `there is no key ${options.keyId.slice(0, 20)} in the key directory (it has ${ring.keys.map((k) => k.keyId).join(', ')}); pass --public-key too.`,
    );
  }
  return key;
}
