/**
 * What Exact's opaque secrets look like on the wire, so clients meet the same characters and lengths as in
 * production: refresh tokens contain `!` (they must be form-encoded), access tokens are ~900 base64url-ish
 * characters starting `gAAAA`, authorization codes are JWT-shaped (facts sheet §1.2–§1.4).
 *
 * Tokens carry their chain id and generation under a MAC, so the simulator remembers only one small record
 * per chain instead of every token it ever issued: a soak of thousands of chains at compressed time issues
 * millions of tokens.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const CHAIN_ID_BYTES = 16;
const MAC_BYTES = 16;
const REFRESH_MARK = '!IAAA';
const ACCESS_PREFIX = 'gAAAA';
const REFRESH_RANDOM_BYTES = 48;
const ACCESS_RANDOM_BYTES = 620;
const KEY_BYTES = 32;

/** What a refresh token says about itself. */
export interface RefreshTokenClaims {
  chainId: string;
  generation: number;
}

/** What an access token says about itself. */
export interface AccessTokenClaims extends RefreshTokenClaims {
  issuedAtMs: number;
}

/**
 * Mints and reads the tokens of one simulator instance (tokens of another instance read as garbage). A
 * restarted simulator takes its saved key back ({@link useKey}) so the tokens its clients hold stay readable.
 */
export class TokenMint {
  private key = randomBytes(KEY_BYTES);

  /** The signing key, base64, for the state file. */
  exportKey(): string {
    return this.key.toString('base64');
  }

  /** Signs and reads with a saved key from now on. */
  useKey(base64: string): void {
    const key = Buffer.from(base64, 'base64');
    if (key.length !== KEY_BYTES) throw new RangeError(`a token signing key has ${KEY_BYTES} bytes`);
    this.key = key;
  }

  newChainId(): string {
    return randomBytes(CHAIN_ID_BYTES).toString('hex');
  }

  refreshToken(claims: RefreshTokenClaims): string {
    const head = this.claimBytes(claims);
    const body = this.seal(Buffer.concat([head, randomBytes(REFRESH_RANDOM_BYTES)]));
    return `${randomBytes(3).toString('base64url')}${REFRESH_MARK}${body.toString('base64url')}`;
  }

  readRefreshToken(token: string): RefreshTokenClaims | undefined {
    const at = token.indexOf(REFRESH_MARK);
    if (at !== 4) return undefined;
    const payload = this.open(token.slice(at + REFRESH_MARK.length), CHAIN_ID_BYTES + 4 + REFRESH_RANDOM_BYTES);
    return payload && this.readClaims(payload);
  }

  accessToken(claims: AccessTokenClaims): string {
    const issued = Buffer.alloc(8);
    issued.writeDoubleBE(claims.issuedAtMs);
    const body = this.seal(Buffer.concat([this.claimBytes(claims), issued, randomBytes(ACCESS_RANDOM_BYTES)]));
    return `${ACCESS_PREFIX}${body.toString('base64url')}`;
  }

  readAccessToken(token: string): AccessTokenClaims | undefined {
    if (!token.startsWith(ACCESS_PREFIX)) return undefined;
    const payload = this.open(token.slice(ACCESS_PREFIX.length), CHAIN_ID_BYTES + 4 + 8 + ACCESS_RANDOM_BYTES);
    if (!payload) return undefined;
    return { ...this.readClaims(payload), issuedAtMs: payload.readDoubleBE(CHAIN_ID_BYTES + 4) };
  }

  private claimBytes(claims: RefreshTokenClaims): Buffer {
    const generation = Buffer.alloc(4);
    generation.writeUInt32BE(claims.generation);
    return Buffer.concat([Buffer.from(claims.chainId, 'hex'), generation]);
  }

  private readClaims(payload: Buffer): RefreshTokenClaims {
    return {
      chainId: payload.subarray(0, CHAIN_ID_BYTES).toString('hex'),
      generation: payload.readUInt32BE(CHAIN_ID_BYTES),
    };
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }

  private seal(payload: Buffer): Buffer {
    return Buffer.concat([payload, this.mac(payload)]);
  }

  private open(encoded: string, payloadBytes: number): Buffer | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
    const bytes = Buffer.from(encoded, 'base64url');
    if (bytes.length !== payloadBytes + MAC_BYTES) return undefined;
    const payload = bytes.subarray(0, payloadBytes);
    return timingSafeEqual(this.mac(payload), bytes.subarray(payloadBytes)) ? payload : undefined;
  }
}

/** A GUID as Exact writes them (lowercase, dashed). */
export function newGuid(): string {
  return randomUUID();
}

/** A JWT-shaped code: three base64url parts. Its claims carry no user data, only a unique id and the expiry. */
export function mintAuthorizationCode(expiresAtMs: number): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = Buffer.from(JSON.stringify({ jti: randomUUID(), exp: Math.floor(expiresAtMs / 1000) }));
  return `${header.toString('base64url')}.${claims.toString('base64url')}.${randomBytes(64).toString('base64url')}`;
}

/** A client secret like the App Center shows: random, URL-safe. */
export function mintClientSecret(): string {
  return randomBytes(12).toString('base64url');
}
