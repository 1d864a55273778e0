/** Exact Online's protocol: hosts, the token and API clients, the one classifier, and typed errors. */
export type {
  ExactOutcome,
  ExactFailure,
  TokenPair,
  RateLimits,
  ChainBreak,
  Misconfiguration,
  TransientCause,
} from './outcomes';
export { EXACT_HOSTS, EXACT_LOGIN_ORIGINS, EXACT_PATHS, resolveBaseUrl, buildAuthorizationUrl } from './hosts';
export { ExactClock } from './exact-clock';
export type { ExactClockOptions } from './exact-clock';
export type { ExactCountry, BaseUrlChoice, AuthorizationUrlOptions } from './hosts';
export { sendHttpRequest, isHttpFailure, DEFAULT_HTTP_TIMEOUTS } from './http';
export type { HttpTimeouts, HttpOptions, HttpRequest, HttpResponse, HttpFailure, HttpResult } from './http';
export { classifyTokenResponse, classifyApiResponse } from './classify';
export type { TokenGrant, TokenContext, ClassifyContext } from './classify';
export { parseRateLimits } from './rate-limits';
export { createTokenClient } from './token-client';
export type { ExactCall, TokenClient, TokenClientOptions } from './token-client';
export { createApiClient, parseMe } from './api-client';
export type { ApiClient, ApiClientOptions, MeInfo } from './api-client';
export { ExactSettingsError, failureMessage } from './errors';
