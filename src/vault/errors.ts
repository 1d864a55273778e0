export type VaultProblem = 'bad-url' | 'bad-input' | 'newer-schema' | 'unreadable-row';

/** The store cannot do what was asked; the message says what was wrong and what to do, never a token. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly problem: VaultProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
