/**
 * The browser login of auto-recovery: `loginAndAuthorize`, its options and failures, the page-driver seam
 * (Chromium in production; a test driver may stand in), the page reading every driver shares, login profiles
 * and TOTP codes.
 */
export { loginAndAuthorize, CHROMIUM_ARGS } from './authorize';
export type { LoginSuccess } from './authorize';
export { checkLoginOptions, DEFAULT_LOGIN_TIMEOUT_MS } from './login-options';
export type { CheckedLoginOptions, LoginCredentials, LoginHooks, LoginOptions } from './login-options';
export { LoginFailedError, LoginInputError } from './errors';
export type { CredentialStep, LoginFailure, LoginFailureReason, LoginInputField, LoginStep } from './errors';
export { chromiumPageDriver } from './chromium-driver';
export type { ChromiumDriverOptions } from './chromium-driver';
export { Deadline, PageTimeoutError } from './deadline';
export type { DocumentResponse, LoginPage, LoginPageFactory, PageSetup } from './page-driver';
export { DOCUMENT_MARKER, REF_ATTRIBUTE, readDom, readingScript, refSelector } from './dom-reading';
export type { DomDocument, DomElement } from './dom-types';
export type { DomReading, FoundField, FoundPage, PageKind, ReadingSpec } from './reading-types';
export { readingSpec } from './reading-spec';
export { PAGE_WORDS } from './page-words';
export type { PageWords } from './page-words';
export { AUTO_PROFILE, LOGIN_PROFILES, b2c, legacyExact, profileByName, readingPlan } from './profiles';
export type {
  CredentialSource,
  LoginProfile,
  PageSignature,
  ProfileStepName,
  ReadingPlan,
  StepProfile,
} from './profiles';
export { TOTP_STEP_S, nextUsableStep, totpCodeAt, totpStepAt, validateTotpSecret } from './totp';
export type { TotpStepQuery, UsableStep } from './totp';
export { isRedirectAnswer, isRedirectTarget, readRedirectAnswer } from './redirect';
export type { RedirectAnswer } from './redirect';
