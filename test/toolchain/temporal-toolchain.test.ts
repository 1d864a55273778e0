import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTimeSkipping } from '../support/time-skipping';
import { sleepThenStamp } from './fixtures/workflows';

const workflowsPath = new URL('./fixtures/workflows.ts', import.meta.url).pathname;
const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

describe('the time-skipping test server from the project-local toolchain', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkipping();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('sleeps 30 days of workflow time in seconds of wall time', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'toolchain-time-skipping',
      workflowsPath,
      activities: { stamp: (label: string) => Promise.resolve(`${label}@${Date.now()}`) },
    });
    const startedWorkflowMs = await env.currentTimeMs();
    const wallStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(sleepThenStamp, {
        taskQueue: 'toolchain-time-skipping',
        workflowId: `sleep-30d-${randomUUID()}`,
        args: ['thirty-days', THIRTY_DAYS_MS],
      }),
    );
    const workflowElapsedMs = (await env.currentTimeMs()) - startedWorkflowMs;
    expect(result).toMatch(/^thirty-days@/);
    expect(workflowElapsedMs).toBeGreaterThanOrEqual(THIRTY_DAYS_MS);
    // Not a speed goal: proof the timer was skipped rather than waited out.
    expect(Date.now() - wallStart).toBeLessThan(60_000);
  });
});

describe('the shared dev server started by the global setup', () => {
  it('runs a workflow with a worker and a client and keeps its history', async () => {
    const address = inject('temporalAddress');
    const taskQueue = `toolchain-dev-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection });
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowsPath,
        activities: { stamp: (label: string) => Promise.resolve(`${label}@dev`) },
      });
      const handle = await client.workflow.start(sleepThenStamp, {
        taskQueue,
        workflowId: `dev-${randomUUID()}`,
        args: ['dev-server', 10],
      });
      const result = await worker.runUntil(handle.result());
      expect(result).toBe('dev-server@dev');
      const history = await handle.fetchHistory();
      const types = history.events?.map((event) => event.eventType) ?? [];
      expect(types.length).toBeGreaterThan(5);
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
