import { validateTotpSecret } from '../browser/totp';
import type { OrgKey, OrgKeyRing } from '../crypto/keys';
import { openSealedBoxToString, sealToPublicKey } from '../crypto/seal';
import type { SealedCredentialsInput } from '../../contract/sealed';

/** What a human types to log in to Exact Online; only ever in memory, sealed everywhere else. */
export interface LoginCredentials {
  username: string;
  password: string;
  /** Base32, normalised (no spaces, upper case). */
  totpSecret: string;
}

/** Credentials that cannot be used; `field` names the one at fault, the message never repeats a value. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(
    readonly field: keyof LoginCredentials | 'box',
    message: string,
  ) {
    super(message);
  }
}

const MAX_FIELD_CHARS = 512;

function text(value: unknown, field: 'username' | 'password'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CredentialsError(field, `The ${field} is empty: enter the Exact Online login's ${field}.`);
  }
  if (value.length > MAX_FIELD_CHARS) {
    throw new CredentialsError(field, `The ${field} is longer than ${MAX_FIELD_CHARS} characters: is it pasted twice?`);
  }
  return field === 'username' ? value.trim() : value;
}

/** Validates credentials before anything is sealed: nothing empty, and a TOTP secret that yields 6-digit codes. */
export function parseCredentials(input: unknown): LoginCredentials {
  if (typeof input !== 'object' || input === null) {
    throw new CredentialsError('username', 'Credentials need a username, a password and a TOTP secret.');
  }
  const record = input as Record<string, unknown>;
  let totpSecret: string;
  try {
    totpSecret = validateTotpSecret(record.totpSecret);
  } catch (error) {
    throw new CredentialsError('totpSecret', (error as Error).message);
  }
  return { username: text(record.username, 'username'), password: text(record.password, 'password'), totpSecret };
}

/** Seals validated credentials to the organization's public key: the only form that leaves the admin's machine. */
export function sealCredentials(
  key: Pick<OrgKey, 'keyId' | 'publicKey'>,
  credentials: LoginCredentials,
): SealedCredentialsInput {
  const checked = parseCredentials(credentials);
  return { keyId: key.keyId, sealedBox: sealToPublicKey(key.publicKey, JSON.stringify(checked)) };
}

/** Opens a sealed box with the worker's private key (inside the recovery activity only). */
export function openCredentials(ring: OrgKeyRing, sealed: SealedCredentialsInput): LoginCredentials {
  const key = ring.keys.find((candidate) => candidate.keyId === sealed.keyId);
  if (!key?.privateKey) {
    throw new CredentialsError(
      'box',
      `The credentials are sealed to key ${sealed.keyId}, whose private key this worker does not have. ` +
        'Enter them again with the current public key.',
    );
  }
  let plaintext: string;
  try {
    plaintext = openSealedBoxToString(key, sealed.sealedBox);
  } catch (error) {
    throw new CredentialsError('box', `The sealed credentials cannot be opened: ${(error as Error).message}`);
  }
  try {
    return parseCredentials(JSON.parse(plaintext));
  } catch (error) {
    // JSON.parse quotes the text it choked on, which is a secret here.
    if (error instanceof CredentialsError) throw error;
    throw new CredentialsError('box', 'The sealed box does not hold credentials JSON: seal them with chainkeeper.');
  }
}
