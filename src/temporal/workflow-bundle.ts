import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the worker finds the workflows. */
export const WORKFLOWS_PATH = new URL('../../workflows/index.ts', import.meta.url).pathname;

/** The child process that runs webpack (src/temporal/bundle-workflows-main.ts). */
const BUNDLER_ENTRY = join(import.meta.dirname, 'bundle-workflows-main.ts');

/**
 * Bundles the workflows (and the failure converter they run with) in a short-lived child process and returns the
 * code. Bundling in the worker itself left about 90 MiB of webpack's memory resident for the worker's life;
 * in a child it leaves with the child. Each start bundles afresh, so a worker never runs stale workflow code.
 */
export async function bundleWorkflowsInChild(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'chainkeeper-bundle-'));
  const out = join(dir, 'workflows.js');
  try {
    await new Promise<void>((resolve, reject) => {
      // tsx by absolute URL: the worker may run from any directory.
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), BUNDLER_ENTRY, out], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let said = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (said = (said + chunk).slice(-4000)));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new BundleError(code, said))));
    });
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The workflow code did not bundle: a compile error in workflows/ or a forbidden import. */
export class BundleError extends Error {
  constructor(code: number | null, output: string) {
    super(`bundling the workflows failed (exit ${code}); the bundler said:\n${output.trim()}`);
    this.name = 'BundleError';
  }
}
