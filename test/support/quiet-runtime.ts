import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change at INFO; tests only want warnings. One Runtime per process, so a file that
// runs in a reused fork keeps the one installed before.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  /* already installed in this process */
}
