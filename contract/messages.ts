import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ContainerStatus } from './container';
import type { AccessTokenAnswer, RenewAuthorizationInput, SealedCredentialsInput } from './sealed';

/*
 * The names an admin types into the Web UI's dialogs and a consumer calls from code. Signals take no secret;
 * `renewAuthorization` does, so it is an update that validates before anything is accepted.
 */

/** Refresh as soon as Exact's 570 s rule allows (or retry now when the last failure was configuration). */
export const refreshNowSignal = defineSignal('refreshNow');
/** Stop refreshing until `resume`. The chain still expires after 30 days unused. */
export const pauseSignal = defineSignal<[reason?: string]>('pause');
export const resumeSignal = defineSignal('resume');
/** Start a new chain from an authorization code or a refresh token obtained by hand, sealed to the organization key. */
export const renewAuthorizationUpdate = defineUpdate<ContainerStatus, [RenewAuthorizationInput]>('renewAuthorization');
/**
 * The current access token sealed to the consumer key (consumers open it), with its times; fails with a clear
 * message when none is valid.
 */
export const accessTokenQuery = defineQuery<AccessTokenAnswer>('accessToken');
/** Status, timings, last error and counters; never a secret. */
export const statusQuery = defineQuery<ContainerStatus>('status');

/**
 * Login credentials for auto-recovery, sealed to the organization's public key where they were entered
 * (`chainkeeper credentials set` or `credentials seal`). Only the worker's recovery activity opens them.
 */
export const enrollCredentialsUpdate = defineUpdate<CredentialsReceipt, [SealedCredentialsInput]>('enrollCredentials');
/** Deletes the stored credentials now; auto-recovery stays off until they are entered again. */
export const forgetCredentialsUpdate = defineUpdate<CredentialsReceipt, []>('forgetCredentials');

/**
 * Lifts the hold on credentials that a failed login left suspect, for one more login: now when the chain is
 * broken (past the day's cap), else when it next breaks. Answers what will happen.
 */
export const retryRecoveryUpdate = defineUpdate<string, []>('retryRecovery');

/**
 * Runs one recovery login now, while the admin watches: on success the container moves to the new chain (the
 * new authorization replaces the old one); on failure the update fails with the step, the page's text and the
 * screenshot, and the credentials are on hold.
 */
export const verifyCredentialsUpdate = defineUpdate<VerifyReceipt, []>('verifyCredentials');

/** What `verifyCredentials` answers: the login's steps as they passed, and the new chain. */
export interface VerifyReceipt {
  alias: string;
  /** The login's steps in order (username, password, totp, consent). */
  steps: string[];
  chain: number;
  loginMs: number;
}

/** What `enrollCredentials` / `forgetCredentials` answer. */
export interface CredentialsReceipt {
  alias: string;
  /** When the credentials will be deleted; absent after forgetCredentials. */
  expiresAt?: string;
}
