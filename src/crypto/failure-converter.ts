// Loaded by path, twice: the worker's bundler compiles it into the workflow sandbox, and the client and worker
// `require()` it natively (no tsx hook under vitest). Node 20.19+ loads this ESM file through require(esm) only
// because it holds no TypeScript-only syntax: keep it free of type annotations and `import type`.
import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves failure messages and stack traces into an encoded payload, so the payload codec encrypts them too:
 * an error that quotes a secret must not leave it in the history in plaintext.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
