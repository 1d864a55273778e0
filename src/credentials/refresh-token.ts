import type { OrgKey, OrgKeyRing } from '../crypto/keys';
import { openSealedBoxToString, sealToPublicKey } from '../crypto/seal';
import type { SealedRefreshTokenInput } from '../../contract/sealed';

/*
 * A refresh token obtained by hand starts a new chain through `renewAuthorization`. Update input stays in the
 * workflow's history for the namespace's retention, readable by every admin with the codec server, so the token
 * is sealed to the organization key where it is entered and opened only in the worker's activity.
 */

/** Bounds of what Exact hands out; anything outside is a paste error, not a token. */
export const MIN_REFRESH_TOKEN_CHARS = 16;
export const MAX_REFRESH_TOKEN_CHARS = 8192;

/** A refresh token that cannot be used or opened; the message never repeats the value. */
export class RefreshTokenError extends Error {
  override readonly name = 'RefreshTokenError';
}

/** Checks a refresh token typed or pasted by an admin, and returns it trimmed. Throws RefreshTokenError. */
export function checkRefreshToken(value: unknown): string {
  if (typeof value !== 'string') throw new RefreshTokenError(`the refresh token must be text, got ${typeof value}.`);
  const token = value.trim();
  if (token.length < MIN_REFRESH_TOKEN_CHARS || token.length > MAX_REFRESH_TOKEN_CHARS) {
    throw new RefreshTokenError(
      `the refresh token has ${token.length} characters; Exact's have ${MIN_REFRESH_TOKEN_CHARS}–${MAX_REFRESH_TOKEN_CHARS}. ` +
        'Copy the whole value without quotes or line breaks.',
    );
  }
  if (/\s/.test(token)) {
    throw new RefreshTokenError('the refresh token contains white space; copy it again without line breaks or spaces.');
  }
  if (token.split('.').length === 3) {
    throw new RefreshTokenError('the refresh token looks like an authorization code (a JWT); send it as a code.');
  }
  return token;
}

/** Checks a refresh token and seals it to the organization's public key: the only form that leaves the admin's machine. */
export function sealRefreshToken(
  key: Pick<OrgKey, 'keyId' | 'publicKey'>,
  refreshToken: string,
): SealedRefreshTokenInput {
  return { sealedRefreshToken: sealToPublicKey(key.publicKey, checkRefreshToken(refreshToken)), keyId: key.keyId };
}

/** Opens a sealed refresh token with the worker's organization keys (in the adoptRefreshToken activity only). */
export function openRefreshToken(ring: OrgKeyRing, sealed: SealedRefreshTokenInput): string {
  const key = ring.keys.find((candidate) => candidate.keyId === sealed.keyId);
  if (!key?.privateKey) {
    throw new RefreshTokenError(
      `the refresh token is sealed to key ${sealed.keyId}, whose private key this worker does not have: ` +
        'seal it again with the current key (`chainkeeper keys show`).',
    );
  }
  let token: string;
  try {
    token = openSealedBoxToString(key, sealed.sealedRefreshToken);
  } catch (error) {
    throw new RefreshTokenError(`the sealed refresh token cannot be opened: ${(error as Error).message}`);
  }
  return checkRefreshToken(token);
}
