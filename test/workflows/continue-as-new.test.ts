import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const { EventType } = proto.temporal.api.enums.v1;
const HOUR_MS = 60 * 60 * 1000;
const CYCLES_PER_RUN = 250;

describe('a container over thousands of cycles (time-skipping)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps its history bounded by continue-as-new and carries generation, counters and status across runs', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('long-lived', { cyclesPerRun: CYCLES_PER_RUN });
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });

    // 2,000 cycles at 9.5 minutes: about 13 days of workflow time.
    await h.env.sleep(2000 * 572 * 1000 + HOUR_MS);

    const status = await handle.query(statusQuery);
    expect(status.status).toBe('healthy');
    expect(status.refreshes).toBeGreaterThanOrEqual(2000);
    expect(status.generation).toBe(status.refreshes + 1);
    expect(status.runs).toBe(Math.floor(status.refreshes / CYCLES_PER_RUN) + 1);
    expect(status.failures).toBe(0);
    expect(h.sim.control.counters().errors).toEqual([]);

    // Every run's history stays near CYCLES_PER_RUN cycles, whatever the total.
    const current = await h.env.client.workflow.getHandle(handle.workflowId).fetchHistory();
    expect(current.events?.length).toBeLessThan(CYCLES_PER_RUN * 12 + 50);
    const firstRun = await h.env.client.workflow
      .getHandle(handle.workflowId, handle.firstExecutionRunId)
      .fetchHistory();
    expect(firstRun.events?.at(-1)?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  }, 180_000);
});
