import { VaultError } from './errors';
import type { AuditEvent, ChainVersion, ExactIdentity, SealedCredentials, TokenWrite } from './vault';

/** The most audit lines one call returns, whatever was asked. */
export const MAX_AUDIT_LIMIT = 1000;

// Callers are typed, but the vault also sits behind the CLI and workflow messages: refuse bad values with a
// message before they reach SQL. Messages name fields, never their (possibly secret) values.

export function checkAlias(alias: unknown): asserts alias is string {
  if (typeof alias !== 'string' || alias.trim() === '' || alias.length > 200) {
    throw new VaultError('bad-input', 'A container alias must be a non-empty string of at most 200 characters.');
  }
}

export function checkVersion(version: ChainVersion): void {
  if (!isPositiveInteger(version.chain) || !isPositiveInteger(version.generation)) {
    throw new VaultError(
      'bad-input',
      `A chain version needs positive whole numbers for chain and generation (got ${String(version.chain)}/${String(version.generation)}).`,
    );
  }
}

export function checkTokenWrite(write: TokenWrite): void {
  if (typeof write.refreshToken !== 'string' || write.refreshToken === '') {
    throw new VaultError('bad-input', 'The new pair has no refresh token.');
  }
  if (write.accessToken !== undefined && (typeof write.accessToken !== 'string' || write.accessToken === '')) {
    throw new VaultError('bad-input', 'The access token of the new pair is empty; leave it out instead.');
  }
  checkOptionalDate(write.accessTokenIssuedAt, 'accessTokenIssuedAt');
  checkOptionalDate(write.accessTokenExpiresAt, 'accessTokenExpiresAt');
}

export function checkAuditEvent(event: AuditEvent): void {
  if (typeof event.kind !== 'string' || (event.kind as string) === '')
    throw new VaultError('bad-input', 'An audit event needs a kind.');
  checkDate(event.at, 'at');
  if (event.detail !== undefined && typeof event.detail !== 'string') {
    throw new VaultError('bad-input', 'The detail of an audit event must be text.');
  }
}

export function checkLimit(limit: number): void {
  if (!isPositiveInteger(limit) || limit > MAX_AUDIT_LIMIT) {
    throw new VaultError(
      'bad-input',
      `An audit limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT} (got ${String(limit)}).`,
    );
  }
}

export function checkCredentials(credentials: SealedCredentials): void {
  checkAlias(credentials.alias);
  if (typeof credentials.sealedBox !== 'string' || credentials.sealedBox === '') {
    throw new VaultError('bad-input', 'The sealed credentials box is empty.');
  }
  if (typeof credentials.keyId !== 'string' || credentials.keyId === '') {
    throw new VaultError('bad-input', 'Sealed credentials need the id of the key they are sealed to.');
  }
  checkDate(credentials.enteredAt, 'enteredAt');
  checkDate(credentials.expiresAt, 'expiresAt');
  if (credentials.expiresAt.getTime() <= credentials.enteredAt.getTime()) {
    throw new VaultError('bad-input', 'Credentials must expire after they were entered.');
  }
}

export function checkDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new VaultError('bad-input', `${field} must be a valid date.`);
  }
}

function checkOptionalDate(value: unknown, field: string): void {
  if (value !== undefined) checkDate(value, field);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** Identities come from Exact's answers: bounded text, so a strange answer cannot bloat or break the journal. */
export function checkIdentity(identity: ExactIdentity): void {
  const text = (value: unknown, max: number): boolean =>
    typeof value === 'string' && value !== '' && value.length <= max;
  if (!text(identity.scope, 500) || !text(identity.userId, 100)) {
    throw new VaultError('bad-input', 'An Exact identity needs a scope (at most 500 characters) and a user id (100).');
  }
  if (identity.userName !== undefined && !text(identity.userName, 200)) {
    throw new VaultError('bad-input', 'The user name of an Exact identity must be text of at most 200 characters.');
  }
  if (identity.division !== undefined && !Number.isSafeInteger(identity.division)) {
    throw new VaultError('bad-input', 'The division of an Exact identity must be a whole number.');
  }
  if (!isPositiveInteger(identity.chain)) throw new VaultError('bad-input', 'An Exact identity names its chain.');
  checkDate(identity.recordedAt, 'recordedAt');
}
