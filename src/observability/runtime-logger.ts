import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { REDACTED_PATHS, type Logger } from '../log';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/*
 * pino redacts REDACTED_PATHS at the top level and one level down. The SDK's metadata can nest deeper (an
 * activity's error, a workflow's log arguments), so the same names are blanked here at every depth before pino
 * sees them. Names come from REDACTED_PATHS so the two lists cannot drift apart.
 */
const TOP_LEVEL_SECRETS = new Set(REDACTED_PATHS.filter((path) => !path.includes('.')));
const NESTED_SECRETS = new Set([
  ...TOP_LEVEL_SECRETS,
  ...REDACTED_PATHS.filter((path) => path.startsWith('*.')).map((path) => path.slice(2)),
]);
const MAX_DEPTH = 6;

/**
 * A Temporal SDK logger (for `Runtime.install({ logger })`) that writes through chainkeeper's pino logger, so the
 * worker's own lines, workflow and activity logs and forwarded Core logs all come out as one stream of JSON
 * with secrets redacted.
 */
export function createTemporalLogger(log: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method = LEVELS[level] ?? 'info';
    if (!log.isLevelEnabled(method)) return;
    log[method](meta === undefined ? {} : (scrub(meta, 0, new WeakSet()) as object), message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/** A copy of `value` with secret-named fields blanked and errors made JSON-serialisable. Symbol keys are dropped. */
function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? value.toString() : value;
  if (seen.has(value)) return '[circular]';
  if (depth > MAX_DEPTH) return '[truncated]';
  seen.add(value);
  const source: object =
    value instanceof Error
      ? { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause }
      : value;
  if (Array.isArray(source)) return source.map((item) => scrub(item, depth + 1, seen));
  if (source instanceof Date) return source.toISOString();
  const secrets = depth === 0 ? TOP_LEVEL_SECRETS : NESTED_SECRETS;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(source)) {
    if (field === undefined) continue;
    copy[key] = secrets.has(key) ? '[redacted]' : scrub(field, depth + 1, seen);
  }
  return copy;
}
