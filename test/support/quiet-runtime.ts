import { format } from 'node:util';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { FAILURE_TYPES } from '../../contract/failures';

const OUR_FAILURES = new Set<string>(Object.values(FAILURE_TYPES));

/**
 * Tests fail activities on purpose (broken chains, faults, wrong passwords): the SDK's "Activity failed"
 * warning for one of our typed failures is the behaviour under test, not news. Everything else is printed.
 */
function expectedFailure(entry: LogEntry): boolean {
  const error = entry.meta?.error as { type?: string } | undefined;
  return entry.message === 'Activity failed' && error?.type !== undefined && OUR_FAILURES.has(error.type);
}

// Workers log every state change at INFO; tests only want warnings. One Runtime per process, so a file that
// runs in a reused fork keeps the one installed before.
try {
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      if (expectedFailure(entry)) return;
      const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
      process.stderr.write(`${at} [${entry.level}] ${entry.message}${entry.meta ? ` ${format(entry.meta)}` : ''}\n`);
    }),
  });
} catch {
  /* already installed in this process */
}
