/** The browser login of auto-recovery: profiles of the login pages, TOTP codes, and `loginAndAuthorize`. */
export { loginAndAuthorize, CHROMIUM_ARGS } from './authorize';
export type { LoginSuccess } from './authorize';
export { checkLoginOptions, DEFAULT_LOGIN_TIMEOUT_MS } from './login-options';
export type { LoginCredentials, LoginOptions, CheckedLoginOptions } from './login-options';
export { LoginFailedError, LoginInputError } from './errors';
export type { LoginFailure, LoginFailureReason, LoginInputField, LoginStep } from './errors';
export { LOGIN_PROFILES, b2c, legacyExact, profileByName } from './profiles';
export type { CredentialSource, LoginProfile, PageSignature, ProfileStepName, StepProfile } from './profiles';
export { TOTP_STEP_S, nextUsableStep, totpCodeAt, totpStepAt, validateTotpSecret } from './totp';
export type { TotpStepQuery, UsableStep } from './totp';
export { isRedirectAnswer, readRedirectAnswer } from './redirect';
export type { RedirectAnswer } from './redirect';
