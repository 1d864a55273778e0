/*
 * The messages now live in contract/messages.ts (clients define them from there). This file only forwards them
 * for scripts/ that others are editing; new code imports contract/messages directly.
 */
export * from '../../contract/messages';
