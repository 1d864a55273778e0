/*
 * The container's types now live in contract/ (shared by workflows, activities and clients). This file only
 * forwards them for scripts/ and test support that others are editing; new code imports contract/ directly.
 */
export * from '../../contract/container';
export * from '../../contract/sealed';
export type { RecoveryInput } from '../../contract/activities';
export type { CredentialsReceipt, VerifyReceipt } from '../../contract/messages';
