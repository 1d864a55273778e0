import { randomBytes } from 'node:crypto';
import type { ConsumerPublicKey } from './consumer-keys';
import { keyIdOf, type OrgKeyRing } from './keys';
import { createTokenSealer, sealToPublicKey } from './seal';

/** The keys a worker was given cannot do their job; one line says which and what to do. */
export class KeyProbeError extends Error {
  override readonly name = 'KeyProbeError';
}

/**
 * Proves, before a worker takes any task, that it can open what it seals: a random probe is sealed to the current
 * organization key and opened again exactly as the token journal does it, and the consumer public key must seal.
 * A worker that failed here would store refresh tokens nobody can open, or hand out tokens no consumer can read.
 */
export function probeWorkerKeys(keys: { org: OrgKeyRing; consumer: ConsumerPublicKey }): void {
  const probe = randomBytes(24).toString('base64');
  const sealer = createTokenSealer(keys.org);
  const orgKeyId = keys.org.current.keyId;
  let opened: string;
  try {
    opened = sealer.open(sealer.seal(probe));
  } catch (error) {
    throw new KeyProbeError(
      `the worker cannot open what it seals with organization key ${orgKeyId}: ${(error as Error).message}`,
    );
  }
  if (opened !== probe) {
    throw new KeyProbeError(`organization key ${orgKeyId} opened a probe to something else: restore its key files.`);
  }
  const consumer = keys.consumer;
  if (consumer.publicKey.length !== 32 || keyIdOf(consumer.publicKey) !== consumer.keyId) {
    throw new KeyProbeError(`consumer public key ${consumer.keyId} is not a 32-byte key of that id: restore its file.`);
  }
  try {
    sealToPublicKey(consumer.publicKey, probe);
  } catch {
    throw new KeyProbeError(
      `consumer public key ${consumer.keyId} cannot seal (not a usable X25519 key): run \`chainkeeper keys init\` for a new pair.`,
    );
  }
}
