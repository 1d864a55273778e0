import { ApplicationFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { ContainerActivities } from '../../contract/activities';
import type { ContainerRun } from './container-run';
import { classifyFailure } from './failures';
import type { CredentialsReceipt } from '../../contract/messages';
import type { SealedCredentialsInput } from '../../contract/sealed';

const { storeCredentials, deleteCredentials } = proxyActivities<ContainerActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['InvalidInputError'] },
});

/** Base64 of a sealed box: 48 bytes of overhead plus the JSON, well under 8 KiB. */
const SEALED_BOX_PATTERN = /^[A-Za-z0-9+/]{64,11000}={0,2}$/;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

/** Checks `enrollCredentials` input before the update is accepted; plaintext credentials are refused outright. */
export function validateSealedCredentials(input: unknown): asserts input is SealedCredentialsInput {
  const expected = 'send {"sealedBox": "<base64>", "keyId": "<16 hex>"} as printed by `chainkeeper credentials seal`';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`enrollCredentials needs a JSON object: ${expected}.`);
  }
  const record = input as Record<string, unknown>;
  if ('password' in record || 'totpSecret' in record || 'username' in record) {
    throw new Error(
      'enrollCredentials takes sealed credentials only, never a plain username, password or TOTP secret: ' +
        `${expected}. Treat the password you typed as exposed and change it.`,
    );
  }
  const unknown = Object.keys(record).filter((key) => key !== 'sealedBox' && key !== 'keyId');
  if (unknown.length > 0) throw new Error(`enrollCredentials got unknown field(s) ${unknown.join(', ')}: ${expected}.`);
  if (typeof record.sealedBox !== 'string' || !SEALED_BOX_PATTERN.test(record.sealedBox)) {
    throw new Error(`enrollCredentials.sealedBox is not a sealed box in base64: ${expected}.`);
  }
  if (typeof record.keyId !== 'string' || !KEY_ID_PATTERN.test(record.keyId)) {
    throw new Error(`enrollCredentials.keyId must be 16 hexadecimal characters: ${expected}.`);
  }
}

/** Stores sealed credentials for 30 days (re-entry restarts them) and wakes the loop, which may now recover. */
export async function enrollCredentials(
  run: ContainerRun,
  sealed: SealedCredentialsInput,
): Promise<CredentialsReceipt> {
  const expiresAtMs = Date.now() + run.options.credentialsTtlMs;
  try {
    await storeCredentials({ alias: run.alias, sealed, expiresAtMs });
  } catch (err) {
    // The worker could not open or use the box: the update fails with its reason, the workflow goes on.
    const failure = classifyFailure(err);
    throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
  }
  // A new entry: nothing was submitted with it yet, so it is not suspect.
  run.state.credentials = { expiresAtMs, rejected: false };
  // New credentials from an admin: a waiting recovery may try them at once (also after a duplicate user stopped
  // it: they may be another user's; the next login is checked again).
  run.state.nextRecoveryAtMs = undefined;
  run.state.duplicateOf = undefined;
  run.wakeLoop();
  run.publish();
  return { alias: run.alias, expiresAt: new Date(expiresAtMs).toISOString() };
}

export async function forgetCredentials(run: ContainerRun, reason: string): Promise<CredentialsReceipt> {
  await deleteCredentials({ alias: run.alias, reason });
  run.state.credentials = undefined;
  run.publish();
  return { alias: run.alias };
}

/** Admins are warned this long before credentials are deleted, to re-enter them in time. */
export const EXPIRY_WARNING_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Deletes the credentials when their 30 days are up, on a durable timer that re-entry moves, and warns the
 * webhook three days before. Runs beside the refresh loop for the life of the run.
 */
export async function keepCredentials(run: ContainerRun): Promise<never> {
  const s = run.state;
  for (;;) {
    await condition(() => s.credentials !== undefined);
    const expiresAtMs = s.credentials!.expiresAtMs;
    const moved = () => s.credentials?.expiresAtMs !== expiresAtMs;
    const warnAtMs = expiresAtMs - EXPIRY_WARNING_MS;
    if (s.expiryWarnedFor !== expiresAtMs && warnAtMs > Date.now() && (await condition(moved, warnAtMs - Date.now()))) {
      continue;
    }
    if (s.expiryWarnedFor !== expiresAtMs) {
      s.expiryWarnedFor = expiresAtMs;
      run.notify({
        type: 'credentials-expiring',
        alias: run.alias,
        expiresAt: new Date(expiresAtMs).toISOString(),
        at: new Date().toISOString(),
      });
    }
    if (!(await condition(moved, Math.max(expiresAtMs - Date.now(), 1)))) {
      await forgetCredentials(run, 'the 30 days of the credentials are over');
    }
  }
}
