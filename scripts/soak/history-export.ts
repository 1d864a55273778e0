import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { requireTool } from '../../src/temporal/tools';
import { mapPool } from './pool';

export interface HistoryExport {
  /** Executions (runs) found in the namespace. */
  executions: number;
  exported: number;
  failed: { workflowId: string; runId: string; problem: string }[];
  files: string[];
}

/** Real seconds one `temporal workflow show` may take before it is killed. */
const EXPORT_TIMEOUT_MS = 120_000;
/** More executions than any soak starts; the listing stops there rather than run on. */
const MAX_EXECUTIONS = 100_000;

/**
 * Exports the history of every execution in the namespace (each run of a continued-as-new workflow, and the
 * recovery children) with the Temporal CLI, `temporal workflow show --output json`, one file each: the form an
 * operator would hand to support, with every payload as the server stores it.
 */
export async function exportHistories(address: string, outDir: string, namespace = 'default'): Promise<HistoryExport> {
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  const runs: { workflowId: string; runId: string }[] = [];
  try {
    // The raw listing: memos are encrypted, and this client holds no key to decode them (nor needs one).
    const service = new Client({ connection, namespace }).workflowService;
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await service.listWorkflowExecutions({ namespace, pageSize: 1000, nextPageToken });
      for (const execution of page.executions ?? []) {
        const { workflowId, runId } = execution.execution ?? {};
        if (workflowId && runId) runs.push({ workflowId, runId });
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken && runs.length < MAX_EXECUTIONS);
  } finally {
    await connection.close();
  }
  const cli = requireTool('cli');
  const failed: HistoryExport['failed'] = [];
  const files: string[] = [];
  await mapPool(runs, 3, async ({ workflowId, runId }) => {
    const file = join(outDir, `${workflowId.replace(/[^A-Za-z0-9._-]/g, '_')}.${runId}.json`);
    const problem = await showToFile(cli, address, namespace, workflowId, runId, file);
    if (problem) failed.push({ workflowId, runId, problem });
    else files.push(file);
  });
  return { executions: runs.length, exported: files.length, failed, files };
}

/** Exports one run with `temporal workflow show --output json` into `file`; undefined, or why it failed. */
export function showToFile(
  cli: string,
  address: string,
  namespace: string,
  workflowId: string,
  runId: string,
  file: string,
): Promise<string | undefined> {
  const out = openSync(file, 'w', 0o600);
  const args = ['workflow', 'show', '--address', address, '--namespace', namespace];
  args.push('--workflow-id', workflowId, '--run-id', runId, '--output', 'json');
  return new Promise((resolve) => {
    const child = spawn(cli, args, { stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    let done = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), EXPORT_TIMEOUT_MS);
    const finish = (problem: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      closeSync(out);
      resolve(problem);
    };
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
    child.once('error', (error) => finish(error.message));
    child.once('exit', (code, signal) =>
      finish(
        code === 0 ? undefined : `temporal workflow show exited with ${signal ?? code}: ${stderr.trim().slice(0, 300)}`,
      ),
    );
  });
}
