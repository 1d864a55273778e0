import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AccessTokenAnswer, ContainerStatus, RenewAuthorizationInput } from './types';

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
