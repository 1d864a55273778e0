/**
 * Child process of bundleWorkflowsInChild: bundles workflows/ with the failure converter they run with and writes
 * the code to the file named by its one argument. Webpack's memory leaves with this process.
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../crypto/data-converter';
import { WORKFLOWS_PATH } from './workflow-bundle';

const out = process.argv[2];
if (!out) {
  console.error('usage: bundle-workflows-main <output file>');
  process.exit(2);
}
const { code } = await bundleWorkflowCode({
  workflowsPath: WORKFLOWS_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
  // Warnings and errors only: the parent shows them when bundling fails.
  logger: {
    log: () => undefined,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (message, meta) => console.error(message, meta ?? ''),
    error: (message, meta) => console.error(message, meta ?? ''),
  },
});
writeFileSync(out, code);
