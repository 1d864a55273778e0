import { stat } from 'node:fs/promises';
import type { SealedAccessToken } from '../../contract/sealed';
import {
  generateOrgKeyPair,
  KeyFileError,
  loadKeyFileOf,
  loadKeyRingOf,
  writeKeyPairOf,
  writePublicKeyOf,
  type KeyFamily,
  type OrgKey,
  type OrgKeyPair,
  type OrgKeyRing,
} from './keys';
import { openSealedBoxToString, SealedBoxError, sealToPublicKey } from './seal';

/*
 * Consumer keys: workers seal every access token to the consumer public key before it leaves an activity, so
 * workflow state, history and the `accessToken` query hold only the box. Consumers (reporting jobs, the CLI's
 * `token`) hold the private key and open it; admins, who see history through the codec server, do not.
 *
 * Layout: `consumer-<keyId>.pub` (0644) sits in the worker's key directory beside the organization keys;
 * `consumer-<keyId>.key` (0600) sits in a consumer key directory, which holds nothing else and can be copied to a
 * consumer host alone. On one machine (`npm start`) both are the same directory.
 */

/** A problem with the consumer key files; the message names the file and what to do. Never holds key bytes. */
export class ConsumerKeyError extends KeyFileError {
  override readonly name = 'ConsumerKeyError';
}

export const CONSUMER_KEYS: KeyFamily = {
  prefix: 'consumer',
  label: 'consumer key',
  currentFile: 'consumer-current',
  expectedFiles: "consumer-<keyId>.pub, which workers seal access tokens to, or consumer-<keyId>.key, a consumer's",
  remedy: 'Run `chainkeeper keys init` there (it adds a consumer key pair to an existing key directory).',
  error: (problem, message) => new ConsumerKeyError(problem, message),
};

/** What a worker holds of a consumer key: it seals access tokens and cannot open them. */
export type ConsumerPublicKey = Pick<OrgKey, 'keyId' | 'publicKey'>;

export function generateConsumerKeyPair(): OrgKeyPair {
  return generateOrgKeyPair();
}

/**
 * Writes `consumer-<keyId>.pub` into `dir` (the worker's key directory) and `consumer-<keyId>.key` with its
 * `.pub` into `privateDir` (a consumer key directory; `dir` itself on a single machine). Never overwrites.
 */
export async function writeConsumerKeyPair(
  dir: string,
  pair: OrgKeyPair,
  privateDir: string = dir,
): Promise<{ publicKeyFile: string; privateKeyFile: string }> {
  const written = await writeKeyPairOf(CONSUMER_KEYS, privateDir, pair);
  if (privateDir === dir) return written;
  return { publicKeyFile: await writePublicKeyOf(CONSUMER_KEYS, dir, pair), privateKeyFile: written.privateKeyFile };
}

/** The consumer public key a worker seals to: the current one of `dir` (the newest, or the one `consumer-current` names). */
export async function loadConsumerPublicKey(dir: string): Promise<ConsumerPublicKey> {
  const { current } = await loadKeyRingOf(CONSUMER_KEYS, dir);
  return { keyId: current.keyId, publicKey: current.publicKey };
}

/**
 * The consumer private keys at `path`: a consumer key directory (every `consumer-<keyId>.key` in it) or one such
 * file. Throws ConsumerKeyError when none holds a private key.
 */
export async function loadConsumerKeys(path: string): Promise<OrgKeyRing> {
  const isFile = await stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
  const ring: OrgKeyRing = isFile
    ? await loadKeyFileOf(CONSUMER_KEYS, path).then((key) => ({ current: key, keys: [key] }))
    : await loadKeyRingOf(CONSUMER_KEYS, path);
  const keys = ring.keys.filter((key) => key.privateKey !== undefined);
  if (keys.length === 0) {
    throw new ConsumerKeyError(
      'no-keys',
      `${path} holds only consumer public keys; opening an access token needs the private key file consumer-<keyId>.key that \`chainkeeper keys init\` wrote.`,
    );
  }
  return { current: keys.find((key) => key.keyId === ring.current.keyId) ?? keys[0]!, keys };
}

/** Seals an access token to the consumer public key (inside the activity that received it). */
export function sealAccessToken(key: ConsumerPublicKey, accessToken: string): SealedAccessToken {
  return { keyId: key.keyId, box: sealToPublicKey(key.publicKey, accessToken) };
}

/** Opens a sealed access token with the consumer key it was sealed to. Throws SealedBoxError. */
export function openAccessToken(ring: OrgKeyRing, sealed: SealedAccessToken): string {
  const key = ring.keys.find((candidate) => candidate.keyId === sealed.keyId && candidate.privateKey !== undefined);
  if (key === undefined) {
    throw new SealedBoxError(
      'unknown-key',
      `The access token is sealed to consumer key ${sealed.keyId}, whose private key is not here (found: ${ring.keys.map((k) => k.keyId).join(', ')}). ` +
        `Copy consumer-${sealed.keyId}.key from where \`chainkeeper keys init\` wrote it and point CHAINKEEPER_CONSUMER_KEY_PATH at it.`,
    );
  }
  return openSealedBoxToString(key, sealed.box);
}
