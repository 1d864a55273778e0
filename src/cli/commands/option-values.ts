import { loadEnv } from '../../config/env';
import { UsageError } from '../alias';

/** A number of seconds typed as an option, within [min, max]. */
export function secondsOption(value: string, option: string, range: { min: number; max?: number }): number {
  const seconds = Number(value);
  const inRange = Number.isFinite(seconds) && seconds >= range.min && (range.max === undefined || seconds <= range.max);
  if (value.trim() === '' || !inRange) {
    const limits = range.max === undefined ? `at least ${range.min}` : `from ${range.min} to ${range.max}`;
    throw new UsageError(`${option} must be a number of seconds, ${limits}; got "${value.slice(0, 20)}".`);
  }
  return seconds;
}

/** The key directory: `--dir` when given, else CHAINKEEPER_KEYS_DIR (default data/keys). */
export function keysDirectory(dir: string | undefined): string {
  return dir ?? loadEnv().CHAINKEEPER_KEYS_DIR;
}
