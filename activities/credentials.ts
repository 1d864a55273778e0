import { CredentialsError, openCredentials } from '../src/credentials/credentials';
import type { ConsumerPublicKey } from '../src/crypto/consumer-keys';
import type { OrgKeyRing } from '../src/crypto/keys';
import type { Logger } from '../src/log';
import type { Vault } from '../src/vault/vault';
import type { StoreCredentialsRequest } from '../contract/activities';
import { FAILURE_TYPES } from '../contract/failures';
import { chainkeeperFailure } from './failures';

export interface CredentialsDeps {
  vault: Vault;
  log: Logger;
  now: () => number;
  /** The organization keys; a worker without the private key cannot check or open credentials. */
  keys?: OrgKeyRing;
  /** Access tokens leave activities sealed to this key, those of a recovery's new chain too. */
  consumerKey: ConsumerPublicKey;
}

/**
 * Stores sealed credentials after checking, on the worker, that they open with our key and are complete — so a
 * wrong paste fails now with a clear message, not at 3 a.m. during a recovery. Nothing of the plaintext leaves.
 */
export async function storeCredentials(deps: CredentialsDeps, request: StoreCredentialsRequest): Promise<void> {
  if (!deps.keys) {
    throw chainkeeperFailure(
      FAILURE_TYPES.invalidInput,
      'this worker has no organization key, so it cannot take credentials.',
    );
  }
  try {
    openCredentials(deps.keys, request.sealed);
  } catch (error) {
    const message = error instanceof CredentialsError ? error.message : 'the sealed credentials cannot be used.';
    throw chainkeeperFailure(FAILURE_TYPES.invalidInput, `enrollCredentials refused: ${message}`);
  }
  const now = new Date(deps.now());
  await deps.vault.putCredentials({
    alias: request.alias,
    sealedBox: request.sealed.sealedBox,
    keyId: request.sealed.keyId,
    enteredAt: now,
    expiresAt: new Date(request.expiresAtMs),
  });
  await deps.vault.appendAudit(request.alias, {
    kind: 'credentials-set',
    at: now,
    detail: `sealed credentials stored until ${new Date(request.expiresAtMs).toISOString()}`,
  });
  deps.log.info({ alias: request.alias, keyId: request.sealed.keyId }, 'credentials stored');
}

/** Deletes the row (30 days passed, or an admin asked). */
export async function deleteCredentials(
  deps: CredentialsDeps,
  { alias, reason }: { alias: string; reason: string },
): Promise<boolean> {
  const deleted = await deps.vault.deleteCredentials(alias);
  await deps.vault.appendAudit(alias, { kind: 'credentials-deleted', at: new Date(deps.now()), detail: reason });
  deps.log.info({ alias, deleted, reason }, 'credentials deleted');
  return deleted;
}
