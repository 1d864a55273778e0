import { createLogger, type Logger } from '../../src/log';

/** A chainkeeper JSON logger whose lines the test can read back, parsed. */
export function captureLog(level = 'trace'): { log: Logger; lines: Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = [];
  const log = createLogger(level, { write: (line: string) => void raw.push(line) });
  return {
    log,
    raw,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}
