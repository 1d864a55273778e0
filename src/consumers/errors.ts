import type { ChainStatus } from '../../contract/container';

/** No container runs under this alias. */
export class ContainerNotFoundError extends Error {
  override readonly name = 'ContainerNotFoundError';
  constructor(readonly alias: string) {
    super(`no container "${alias}" is running: check the alias (\`chainkeeper list\`) or enroll it first.`);
  }
}

/**
 * The container has no access token and will not get one without a human: it needs a new authorization, was
 * never enrolled, or is paused. `reauthReason` is the container's own one-line explanation.
 */
export class NoAccessTokenError extends Error {
  override readonly name = 'NoAccessTokenError';
  constructor(
    readonly alias: string,
    readonly status: ChainStatus,
    readonly reauthReason?: string,
  ) {
    const what =
      status === 'paused'
        ? 'is paused and does not refresh: send `resume` (chainkeeper resume <alias>) first.'
        : `needs a new authorization: ${reauthReason ?? 'send `renewAuthorization` or enter credentials.'}`;
    super(`container "${alias}" has no usable access token; it ${what}`);
  }
}

/** No access token valid long enough arrived within the time the caller allowed. */
export class TokenTimeoutError extends Error {
  override readonly name = 'TokenTimeoutError';
  constructor(
    readonly alias: string,
    readonly timeoutMs: number,
    /** Why, in the operator's words (never a token). */
    readonly reason: string,
  ) {
    super(`no fresh enough access token for "${alias}" within ${Math.round(timeoutMs / 1000)} s: ${reason}`);
  }
}

/** The caller asked for something no token can give (e.g. more validity than a token ever has). */
export class InvalidTokenRequestError extends Error {
  override readonly name = 'InvalidTokenRequestError';
}

/**
 * The container's token is sealed to a consumer key this consumer cannot open it with (the key is missing, another
 * one, or damaged). `reason` names the key id and what to do; never the token.
 */
export class SealedTokenError extends Error {
  override readonly name = 'SealedTokenError';
  constructor(
    readonly alias: string,
    readonly reason: string,
  ) {
    super(`the access token of "${alias}" cannot be opened here: ${reason}`);
  }
}
