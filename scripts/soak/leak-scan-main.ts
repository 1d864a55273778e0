/**
 * `npm run leak-scan -- --dir <dir>`: the soak's leak scan alone, on a work directory a soak kept (`--keep`).
 * Exports every workflow history with the Temporal CLI (from a dev server it starts on the run's database, or
 * from `--address`), then searches histories, logs and store files for every secret the run created, and decodes
 * every history payload through the codec server (as the Web UI does) to search what an admin would read.
 * Exit code 0 for zero hits, 1 for hits, 2 for bad input.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { runLeakScan } from './leak-scan';

const program = new Command('leak-scan')
  .description('Search a kept soak directory for every secret the soak created.')
  .requiredOption('--dir <dir>', 'work directory of a soak run with --keep')
  .option('--address <host:port>', 'a Temporal server that already serves the run (default: start one on its db)')
  .option('--json', 'print the whole result as JSON');
program.parse();
const flags = program.opts<{ dir: string; address?: string; json?: boolean }>();
const dir = resolve(flags.dir);
if (!existsSync(dir)) {
  console.error(`leak-scan: ${dir} does not exist; pass the work directory a soak printed with --keep`);
  process.exit(2);
}

try {
  const result = await runLeakScan(dir, { address: flags.address });
  if (flags.json) console.log(JSON.stringify(result, null, 2));
  const searched = Object.entries(result.secrets)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  console.log(
    `leak-scan: searched ${result.valuesSearched} values (${searched}) in ${result.files.length} files ` +
      `(${Math.round(result.bytesScanned / 2 ** 20)} MiB, ${result.histories.exported} histories) in ${result.durationS} s`,
  );
  const { decoded } = result;
  console.log(
    `leak-scan: decoded ${decoded.payloads} history payloads through the codec server in ${decoded.requests} ` +
      `requests, as the Web UI does: ${decoded.hits.length} secret(s) readable`,
  );
  if (!result.selfCheckPassed) console.log('  the self-check failed: the matcher missed a planted secret');
  if (!decoded.selfCheckPassed)
    console.log('  the decoded self-check failed: a token encoded through /encode was missed');
  for (const hit of result.hits) console.log(`  HIT ${hit.secret} in ${hit.source} (${hit.encoding})`);
  for (const hit of decoded.hits) console.log(`  DECODED HIT ${hit.secret} in ${hit.source} (${hit.encoding})`);
  for (const failed of decoded.failed)
    console.log(`  could not decode a payload of ${failed.source}: ${failed.problem}`);
  for (const failed of result.histories.failed)
    console.log(`  could not export ${failed.workflowId}: ${failed.problem}`);
  console.log(result.passed ? 'leak-scan: no secret found' : 'leak-scan: FAILED');
  process.exit(result.passed ? 0 : 1);
} catch (error) {
  console.error(`leak-scan: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
