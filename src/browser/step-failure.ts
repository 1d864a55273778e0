/** A failure the walk found; authorize.ts adds the progress and the screenshot and makes it a LoginFailedError. */
import type { LoginFailure } from './errors';

export class StepFailure extends Error {
  /** @param detail Extra words for the message, already free of secrets. */
  constructor(
    readonly failure: LoginFailure,
    readonly detail?: string,
  ) {
    super(`${failure.step}: ${failure.reason}`);
  }
}
