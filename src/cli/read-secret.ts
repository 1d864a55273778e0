import { readFileSync } from 'node:fs';

/**
 * A secret given on the command line, or `-` to read it from standard input (keeps it out of `ps` and shell
 * history), or `@file` to read it from a file. Surrounding white space is dropped.
 */
export function readSecretArgument(value: string): string {
  if (value === '-') return readFileSync(0, 'utf8').trim();
  if (value.startsWith('@')) return readFileSync(value.slice(1), 'utf8').trim();
  return value.trim();
}
