/** An alias names a container in workflow IDs, URLs and CSV files: keep it to safe characters. */
const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function checkAlias(alias: string): string {
  if (!ALIAS_PATTERN.test(alias)) {
    throw new UsageError(
      `alias "${alias.slice(0, 60)}" is not valid: use 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit.`,
    );
  }
  return alias;
}
