/** What a consumer (a reporting job, a script, a service) imports to get a container's access token. */
export { getAccessToken, maxMinValidityS, type AccessTokenOptions, type FreshAccessToken } from './access-token';
export { ContainerNotFoundError, InvalidTokenRequestError, NoAccessTokenError, TokenTimeoutError } from './errors';
