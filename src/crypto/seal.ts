import sodium from 'libsodium-wrappers';
import type { OrgKey, OrgKeyRing } from './keys';

await sodium.ready;

export type SealedBoxProblem =
  'not-base64' | 'truncated' | 'cannot-open' | 'not-utf8' | 'unknown-key' | 'no-private-key';

/** A sealed box that cannot be opened. The message says why; it never holds the box's content or any key. */
export class SealedBoxError extends Error {
  override readonly name = 'SealedBoxError';
  constructor(
    readonly problem: SealedBoxProblem,
    message: string,
  ) {
    super(message);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Seals `plaintext` (strings as UTF-8) to `publicKey` with `crypto_box_seal` and returns standard base64 with
 * padding, so any libsodium binding can open it after decoding.
 */
export function sealToPublicKey(publicKey: Uint8Array, plaintext: string | Uint8Array): string {
  return sodium.to_base64(sodium.crypto_box_seal(plaintext, publicKey), sodium.base64_variants.ORIGINAL);
}

/** Opens a base64 sealed box with the key pair it was sealed to. Throws SealedBoxError. */
export function openSealedBox(pair: Pick<OrgKey, 'keyId' | 'publicKey' | 'privateKey'>, box: string): Uint8Array {
  if (pair.privateKey === undefined) {
    throw new SealedBoxError(
      'no-private-key',
      `This machine holds only the public half of key ${pair.keyId}; sealed boxes are opened by workers, which hold the private key.`,
    );
  }
  const trimmed = box.trim();
  if (!BASE64.test(trimmed)) {
    throw new SealedBoxError(
      'not-base64',
      'The sealed box is not standard base64; it was damaged or is not a sealed box.',
    );
  }
  const bytes = sodium.from_base64(trimmed, sodium.base64_variants.ORIGINAL);
  if (bytes.length < sodium.crypto_box_SEALBYTES) {
    throw new SealedBoxError(
      'truncated',
      `The sealed box has ${bytes.length} bytes, fewer than the ${sodium.crypto_box_SEALBYTES} every box has; it was truncated.`,
    );
  }
  try {
    return sodium.crypto_box_seal_open(bytes, pair.publicKey, pair.privateKey);
  } catch {
    throw new SealedBoxError(
      'cannot-open',
      `The sealed box does not open with key ${pair.keyId}: it was sealed to another key, or changed or truncated since.`,
    );
  }
}

/** openSealedBox for boxes that hold UTF-8 text. */
export function openSealedBoxToString(pair: Pick<OrgKey, 'keyId' | 'publicKey' | 'privateKey'>, box: string): string {
  const bytes = openSealedBox(pair, box);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SealedBoxError('not-utf8', 'The sealed box opened but does not hold UTF-8 text.');
  } finally {
    sodium.memzero(bytes);
  }
}

/** A secret sealed for storage, with the id of the key that opens it. */
export interface SealedSecret {
  keyId: string;
  /** Base64 `crypto_box_seal` box. */
  box: string;
}

/** Seals tokens before they reach a database; opens rows sealed to any key of the ring (old keys after rotation). */
export interface TokenSealer {
  /** Id of the key new boxes are sealed to. */
  readonly currentKeyId: string;
  seal(plain: string): SealedSecret;
  /** Throws SealedBoxError, `unknown-key` when the ring lacks the row's key. */
  open(sealed: SealedSecret): string;
}

export function createTokenSealer(keys: OrgKeyRing): TokenSealer {
  const byId = new Map(keys.keys.map((key) => [key.keyId, key]));
  byId.set(keys.current.keyId, keys.current);
  const current = keys.current;
  return {
    currentKeyId: current.keyId,
    seal: (plain) => ({ keyId: current.keyId, box: sealToPublicKey(current.publicKey, plain) }),
    open: ({ keyId, box }) => {
      const key = byId.get(keyId);
      if (key === undefined) {
        throw new SealedBoxError(
          'unknown-key',
          `The box is sealed to key ${keyId}, which is not in this key directory (it has ${[...byId.keys()].join(', ')}). Add that key's files back.`,
        );
      }
      return openSealedBoxToString(key, box);
    },
  };
}
