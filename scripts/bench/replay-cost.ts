import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../src/crypto/data-converter';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { bundleWorkflowsInChild } from '../../src/temporal/workflow-bundle';
import { containerWorkflowId } from '../../workflows';
import { median, round } from './stats';
import type { Stack } from './stack';

/** Replays per measurement: one worker replays the same history this often, the first is left out. */
const REPLAYS = 12;

export interface ReplayCost {
  /** Events in the replayed run (a full run of `cyclesPerRun` cycles when the capacity phase made one). */
  events: number;
  /** Median wall time of one replay of that run, in the benchmark process. */
  replayMs: number;
}

/** The longest finished run of `workflowId` (it continued as new after its cycles), else its current run. */
async function longestRun(client: Client, workflowId: string) {
  let runId: string | undefined;
  for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    if (run.status.name === 'CONTINUED_AS_NEW' && !runId) runId = run.runId;
  }
  return client.workflow.getHandle(workflowId, runId).fetchHistory();
}

/**
 * What a container evicted from the worker's cache costs on its next refresh: the worker replays its run's
 * history before it can handle the timer. Measured by replaying a capacity container's longest run.
 */
export async function measureReplayCost(stack: Stack, alias: string): Promise<ReplayCost> {
  const history = await longestRun(stack.client.client, containerWorkflowId(alias));
  const codec = await SodiumPayloadCodec.create(stack.historyKeys);
  const options = {
    workflowBundle: { code: await bundleWorkflowsInChild() },
    dataConverter: createDataConverter(codec),
  };
  const times: number[] = [];
  let last = performance.now();
  // The real ID: a fresh run checks its alias against it, so a replay under another ID would fail.
  const histories = Array.from({ length: REPLAYS }, () => ({ history, workflowId: containerWorkflowId(alias) }));
  for await (const result of Worker.runReplayHistories(options, histories)) {
    if (result.error) throw result.error;
    const now = performance.now();
    times.push(now - last);
    last = now;
  }
  return { events: history.events?.length ?? 0, replayMs: round(median(times.slice(1)) ?? 0, 1)! };
}
