import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
// A CommonJS package: Node's ESM loader sees only its default export. Resolvable as a dependency of @temporalio/common.
import proto from '@temporalio/proto';
import sodium from 'libsodium-wrappers';
import { HISTORY_KEY_BYTES, type HistoryKeyring } from './history-keys';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

/** `metadata.encoding` of a payload this codec encrypted. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the history key a payload was encrypted with. */
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
/** Metadata key of the ciphertext format; version 1 = XChaCha20-Poly1305, 24-byte nonce prefixed. */
export const VERSION_METADATA_KEY = 'encryption-version';
const VERSION = '1';

/** Why an encrypted payload could not be decrypted. */
export type PayloadDecryptionFailure = 'unknown-key' | 'unsupported-version' | 'malformed' | 'tampered';

/** An encrypted payload that cannot be decrypted. Never carries any of the payload's content. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  constructor(
    readonly reason: PayloadDecryptionFailure,
    /** The `encryption-key-id` of the payload, when it has one. */
    readonly keyId: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A keyring that cannot encrypt: no current key, or a key of the wrong size. */
export class HistoryKeyringError extends Error {
  override readonly name = 'HistoryKeyringError';
}

/**
 * Encrypts every Temporal payload (inputs, results, signals, queries, encoded failures) so the history holds no
 * plaintext. The whole original payload, metadata included, is serialised and encrypted; the key id and version are
 * bound as associated data, so relabelling a payload with another key id fails authentication.
 */
export class SodiumPayloadCodec implements PayloadCodec {
  private constructor(private readonly keyring: HistoryKeyring) {}

  static async create(keyring: HistoryKeyring): Promise<SodiumPayloadCodec> {
    await sodium.ready;
    for (const [id, key] of keyring.keys) {
      if (key.length !== HISTORY_KEY_BYTES) {
        throw new HistoryKeyringError(`history key ${id} has ${key.length} bytes, expected ${HISTORY_KEY_BYTES}`);
      }
    }
    if (!keyring.keys.has(keyring.currentKeyId)) {
      throw new HistoryKeyringError(`current history key ${keyring.currentKeyId} is not in the keyring`);
    }
    return new SodiumPayloadCodec({ currentKeyId: keyring.currentKeyId, keys: new Map(keyring.keys) });
  }

  /** The key id new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.keyring.currentKeyId;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.currentKeyId;
    const key = this.keyring.keys.get(keyId)!;
    return Promise.resolve(
      payloads.map((payload) => {
        const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
        const plaintext = PayloadMessage.encode(payload).finish();
        const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
          plaintext,
          associatedData(keyId),
          null,
          nonce,
          key,
        );
        const data = new Uint8Array(nonce.length + ciphertext.length);
        data.set(nonce);
        data.set(ciphertext, nonce.length);
        return {
          metadata: {
            [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
            [KEY_ID_METADATA_KEY]: utf8(keyId),
            [VERSION_METADATA_KEY]: utf8(VERSION),
          },
          data,
        };
      }),
    );
  }

  /** Payloads that are not `binary/encrypted` pass untouched: an admin may type a plain signal into the Web UI. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    // The executor turns a throw into a rejection, as an async method would.
    return new Promise((resolve) => resolve(payloads.map((payload) => this.decodeOne(payload))));
  }

  private decodeOne(payload: Payload): Payload {
    const metadata = payload.metadata ?? {};
    if (text(metadata[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(metadata[KEY_ID_METADATA_KEY]);
    if (keyId === undefined) {
      throw new PayloadDecryptionError('malformed', undefined, `encrypted payload has no ${KEY_ID_METADATA_KEY}`);
    }
    const version = text(metadata[VERSION_METADATA_KEY]);
    if (version !== VERSION) {
      throw new PayloadDecryptionError(
        'unsupported-version',
        keyId,
        `payload encrypted with history key ${keyId} has ${VERSION_METADATA_KEY} ${version ?? '(none)'}; this codec reads ${VERSION}`,
      );
    }
    const key = this.keyring.keys.get(keyId);
    if (key === undefined) {
      throw new PayloadDecryptionError(
        'unknown-key',
        keyId,
        `payload was encrypted with history key ${keyId}, which this process does not have: add history-${keyId}.key to the key directory (rotation must keep old keys)`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    const nonceBytes = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (data.length < nonceBytes + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES) {
      throw new PayloadDecryptionError('malformed', keyId, `payload encrypted with history key ${keyId} is truncated`);
    }
    let plaintext: Uint8Array;
    try {
      plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        data.subarray(nonceBytes),
        associatedData(keyId),
        data.subarray(0, nonceBytes),
        key,
      );
    } catch {
      throw new PayloadDecryptionError(
        'tampered',
        keyId,
        `payload encrypted with history key ${keyId} failed authentication: it was altered, or encrypted under a different key with that id`,
      );
    }
    return PayloadMessage.decode(plaintext);
  }
}

function associatedData(keyId: string): Uint8Array {
  return utf8(`chainkeeper/history/v${VERSION}/${keyId}`);
}

function utf8(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes == null ? undefined : new TextDecoder().decode(bytes);
}
