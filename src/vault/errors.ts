export type VaultProblem = 'bad-url' | 'bad-input' | 'newer-schema' | 'unreadable-row' | 'not-writable';

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

/** The store refused a write: says why (the driver's first line, never a value) and what an operator can do. */
export function notWritable(cause: unknown): VaultError {
  const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]?.slice(0, 160) ?? '';
  return new VaultError(
    'not-writable',
    `the store does not take writes (${reason}): free disk space, or make the database writable again; ` +
      'refreshes wait meanwhile and spend no token.',
    { cause },
  );
}
