import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AccessTokenAnswer,
  ContainerStatus,
  CredentialsReceipt,
  RenewAuthorizationInput,
  SealedCredentialsInput,
} from './types';

/*
 * The names an admin types into the Web UI's dialogs and a consumer calls from code. Signals take no secret;
 * `renewAuthorization` does, so it is an update that validates before anything is accepted.
 */

/** Refresh as soon as Exact's 570 s rule allows (or retry now when the last failure was configuration). */
export const refreshNowSignal = defineSignal('refreshNow');
/** Stop refreshing until `resume`. The chain still expires after 30 days unused. */
export const pauseSignal = defineSignal<[reason?: string]>('pause');
export const resumeSignal = defineSignal('resume');
/** Start a new chain from an authorization code or a refresh token obtained by hand. */
export const renewAuthorizationUpdate = defineUpdate<ContainerStatus, [RenewAuthorizationInput]>('renewAuthorization');
/** The current access token and its expiry; fails with a clear message when none is valid. */
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
