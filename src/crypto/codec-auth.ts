import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/*
 * Who may have the codec server decode history. Three modes (the README names them):
 * - loopback: no credential, and the server listens on 127.0.0.1 only (`npm start`);
 * - bearer: a static token of at least 32 characters, for the Temporal CLI (`--codec-auth "Bearer …"`);
 * - OIDC: the Web UI forwards its user's access token (TEMPORAL_CODEC_PASS_ACCESS_TOKEN), verified here against
 *   the identity provider's JWKS, issuer and audience.
 * Bearer and OIDC may be on together: a request passes with either.
 */

/** Shorter bearer tokens can be guessed or were typed by hand; 32 random characters cannot. */
export const MIN_CODEC_TOKEN_CHARS = 32;

/** Verifying the access tokens the Web UI forwards. */
export interface CodecOidcOptions {
  /** The identity provider's JWKS URL; https, or http on loopback only (tests, a local provider). */
  jwksUrl: string;
  /** The `iss` every token must carry. */
  issuer: string;
  /** The `aud` every token must carry (one of its audiences). */
  audience: string;
  /** Clock difference tolerated for `exp` and `nbf`, seconds. @default 30 */
  clockToleranceS?: number;
}

/** Options that would make the codec server unsafe to start. */
export class CodecServerConfigError extends Error {
  override readonly name = 'CodecServerConfigError';
}

/** Why a request is refused; `reason` says what was wrong with the credential, never its value. */
export type CodecAuthOutcome =
  | { ok: true }
  | { ok: false; status: 401; reason: string }
  | { ok: false; status: 503; reason: string; cause: unknown };

export type CodecAuthorizer = (authorization: string | undefined) => Promise<CodecAuthOutcome>;

/** Only signatures from the provider's public keys: no `none`, no shared secrets (HS*) anyone could mint with. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function checkOidc(oidc: CodecOidcOptions): URL {
  let url: URL;
  try {
    url = new URL(oidc.jwksUrl);
  } catch {
    throw new CodecServerConfigError('the OIDC JWKS URL is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new CodecServerConfigError(
      `the OIDC JWKS URL must be https (keys fetched over plain http can be swapped on the way); got ${url.protocol}`,
    );
  }
  if (!oidc.issuer.trim() || !oidc.audience.trim()) {
    throw new CodecServerConfigError('OIDC needs an issuer and an audience to check tokens against');
  }
  return url;
}

/** Says what was wrong with a token in words an admin can act on. */
function refusal(error: unknown): CodecAuthOutcome {
  const refuse = (reason: string): CodecAuthOutcome => ({ ok: false, status: 401, reason });
  if (error instanceof errors.JWTExpired) return refuse('the access token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return refuse('the access token was issued by another issuer');
    if (error.claim === 'aud') return refuse('the access token is for another audience');
    if (error.claim === 'exp') return refuse('the access token has no expiry');
    return refuse(`the access token's "${error.claim}" claim is not acceptable`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return refuse('the access token is not signed with an accepted algorithm');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return refuse("the access token's signature does not verify with the identity provider's keys");
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return refuse('the bearer token is not a signed JWT');
  }
  // The provider's keys could not be fetched (timeout, network, a broken JWKS): not the caller's fault.
  const reason = "cannot fetch the identity provider's keys to check the access token";
  return { ok: false, status: 503, reason, cause: error };
}

/**
 * The codec server's check of a request's `Authorization` header, or undefined when neither a bearer token nor
 * OIDC is set (loopback mode). Throws CodecServerConfigError for a bearer token that is too short or an unsafe
 * OIDC setting.
 */
export function createCodecAuthorizer(options: {
  authToken?: string;
  oidc?: CodecOidcOptions;
}): CodecAuthorizer | undefined {
  const { authToken, oidc } = options;
  if (authToken !== undefined && authToken.length < MIN_CODEC_TOKEN_CHARS) {
    throw new CodecServerConfigError(
      `the codec server's bearer token has ${authToken.length} characters; use at least ${MIN_CODEC_TOKEN_CHARS} random ones`,
    );
  }
  if (authToken === undefined && oidc === undefined) return undefined;
  const tokenDigest = authToken === undefined ? undefined : sha256(authToken);
  const jwks = oidc === undefined ? undefined : createRemoteJWKSet(checkOidc(oidc), { timeoutDuration: 5000 });
  return async (header) => {
    const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
    if (presented === undefined) return { ok: false, status: 401, reason: 'missing Authorization: Bearer token' };
    // Compares digests, so the comparison takes the same time whatever the token's length or content.
    if (tokenDigest !== undefined && timingSafeEqual(sha256(presented), tokenDigest)) return { ok: true };
    if (jwks === undefined || oidc === undefined) return { ok: false, status: 401, reason: 'wrong bearer token' };
    try {
      await jwtVerify(presented, jwks, {
        issuer: oidc.issuer,
        audience: oidc.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: oidc.clockToleranceS ?? 30,
      });
      return { ok: true };
    } catch (error) {
      return refusal(error);
    }
  };
}
