import type { RenewAuthorizationInput } from '../../contract/sealed';

/** Bounds of what Exact hands out; anything outside is a paste error, not a code. */
const MIN_CODE_LENGTH = 16;
const MAX_CODE_LENGTH = 8192;
/** A sealed box of a refresh token: 48 bytes of sealing plus at least 16 of token, as base64 (≥ 86 characters). */
const MIN_SEALED_LENGTH = 86;
const MAX_SEALED_LENGTH = 12_000;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID = /^[0-9a-f]{16}$/;

const EXPECTED =
  'send {"code": "<authorization code>"} or a sealed refresh token {"sealedRefreshToken": "…", "keyId": "…"} ' +
  'as `chainkeeper seal --refresh-token @file` prints it';

/** Why a plaintext refresh token is refused, and what to do instead. */
const PLAINTEXT_REFUSED =
  'renewAuthorization refuses a refresh token in plaintext: update input stays readable in the history of every ' +
  'admin with the codec server. Seal it to the organization key first: `chainkeeper enroll <alias> --refresh-token ' +
  '@token.txt` sends it sealed, and `chainkeeper seal --refresh-token @token.txt` prints the JSON to paste here.';

function checkCode(value: unknown): void {
  if (typeof value !== 'string') throw new Error(`renewAuthorization.code must be a string, got ${typeof value}.`);
  const trimmed = value.trim();
  if (trimmed.length < MIN_CODE_LENGTH || trimmed.length > MAX_CODE_LENGTH) {
    throw new Error(
      `renewAuthorization.code has ${trimmed.length} characters; Exact's are ${MIN_CODE_LENGTH}–${MAX_CODE_LENGTH}. ` +
        'Copy the whole value without quotes or line breaks.',
    );
  }
  if (/\s/.test(trimmed)) {
    throw new Error('renewAuthorization.code contains white space; copy it again without line breaks or spaces.');
  }
}

function checkSealed(input: Record<string, unknown>): void {
  const { sealedRefreshToken: box, keyId } = input;
  if (typeof box !== 'string' || typeof keyId !== 'string') {
    throw new Error(`renewAuthorization.sealedRefreshToken and keyId must both be strings: ${EXPECTED}.`);
  }
  const trimmed = box.trim();
  if (trimmed.length < MIN_SEALED_LENGTH || trimmed.length > MAX_SEALED_LENGTH || !BASE64.test(trimmed)) {
    throw new Error(
      'renewAuthorization.sealedRefreshToken is not a sealed box (standard base64 from `chainkeeper seal ' +
        '--refresh-token`); paste the whole value again.',
    );
  }
  if (!KEY_ID.test(keyId.trim())) {
    throw new Error('renewAuthorization.keyId must be the 16-hex-digit key id `chainkeeper seal` printed.');
  }
}

/**
 * Checks `renewAuthorization` input before the update is accepted. Throws an Error whose message says what is
 * wrong and what to send instead — and never repeats the value, which may be a secret. Whether a sealed refresh
 * token opens is checked by the worker's activity, which holds the key.
 */
export function validateRenewInput(input: unknown): asserts input is RenewAuthorizationInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`renewAuthorization needs a JSON object: ${EXPECTED}.`);
  }
  const record = input as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.includes('refreshToken')) throw new Error(PLAINTEXT_REFUSED);
  const unknown = keys.filter((key) => !['code', 'sealedRefreshToken', 'keyId'].includes(key));
  if (unknown.length > 0) {
    throw new Error(
      `renewAuthorization got unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}: ${EXPECTED}.`,
    );
  }
  if (keys.includes('code')) {
    if (keys.length !== 1)
      throw new Error(`renewAuthorization takes a code or a sealed refresh token, not both: ${EXPECTED}.`);
    return checkCode(record.code);
  }
  if (!keys.includes('sealedRefreshToken') || !keys.includes('keyId')) {
    throw new Error(`renewAuthorization needs a code, or sealedRefreshToken together with keyId: ${EXPECTED}.`);
  }
  checkSealed(record);
}
