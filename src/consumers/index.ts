/** What a consumer (a reporting job, a script, a service) imports to get a container's access token. */
export { getAccessToken, maxMinValidityS, type AccessTokenOptions, type FreshAccessToken } from './access-token';
export { createTokenProvider, type TokenProvider, type TokenProviderOptions, type TokenSource } from './token-provider';
export {
  ContainerNotFoundError,
  InvalidTokenRequestError,
  NoAccessTokenError,
  SealedTokenError,
  TokenTimeoutError,
} from './errors';
export { ConsumerKeyError, loadConsumerKeys } from '../crypto/consumer-keys';
