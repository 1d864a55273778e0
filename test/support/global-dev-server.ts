import 'vitest';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../src/temporal/dev-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the dev server shared by the integration tests of one `vitest run`. */
    temporalAddress: string;
  }
}

/** One Temporal dev server for every integration test file; each test uses its own task queue and IDs. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDevServer({
    // Small enough that continue-as-new tests see the server's suggestion after a few cycles.
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200 },
  });
  project.provide('temporalAddress', server.address);
  return () => server.stop();
}
