/*
 * Secrets as they cross the workflow boundary: always sealed (libsodium `crypto_box_seal`) where they were
 * entered or received, so no workflow input, state, history or query holds one in plaintext.
 */

/**
 * An access token sealed (libsodium `crypto_box_seal`) to the consumer public key inside the activity that received
 * it: workflow state, history and queries hold only this box, which consumers open with the consumer private key.
 */
export interface SealedAccessToken {
  /** Id of the consumer key it is sealed to (`consumer-<keyId>.key` opens it). */
  keyId: string;
  /** Base64 sealed box of the token's UTF-8 text. */
  box: string;
}

/**
 * Answer of the `accessToken` query: the token sealed to the consumer key, never in plaintext (whoever can query
 * or read history is not thereby a consumer). Validity left is computed by the caller from `expiresAt`: a query
 * runs at the workflow's last task time, which may lag the caller's clock.
 */
export interface AccessTokenAnswer {
  sealedAccessToken: SealedAccessToken;
  issuedAt: string;
  expiresAt: string;
  chain: number;
  generation: number;
}

/**
 * A refresh token obtained by hand, sealed to the organization's public key where it was entered
 * (`chainkeeper enroll --refresh-token`, `chainkeeper seal --refresh-token`): only the worker's activity opens it.
 */
export interface SealedRefreshTokenInput {
  /** Base64 `crypto_box_seal` of the refresh token's UTF-8 text. */
  sealedRefreshToken: string;
  /** Id of the organization key it is sealed to. */
  keyId: string;
}

/**
 * Input of `renewAuthorization`: an authorization code (single use, valid 3 minutes, so it may travel plain) or a
 * sealed refresh token. A plaintext `{ refreshToken }` is refused by the validator.
 */
export type RenewAuthorizationInput = SealedRefreshTokenInput | { code: string };

/** What updates accepted before refresh tokens were sealed carry in history; replays must still handle it. */
export interface LegacyRefreshTokenInput {
  refreshToken: string;
}

/** Input of `enrollCredentials`: a box sealed to the organization key, never the plaintext. */
export interface SealedCredentialsInput {
  /** Base64 `crypto_box_seal` of the JSON `{"username","password","totpSecret"}`. */
  sealedBox: string;
  /** Id of the organization key it is sealed to (printed by `chainkeeper keys init`). */
  keyId: string;
}
