/**
 * Records workflow histories for the replay test (test/workflows/replay.test.ts): a healthy container with
 * refreshNow, pause and resume; a broken chain renewed by hand; a retry after transient faults; a continue-as-new.
 * Run it after a deliberate change to the workflow's commands, and commit the files together with a `patched()`
 * guard if old histories no longer replay: `npx tsx scripts/record-histories.ts`.
 */
import { writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pauseSignal, refreshNowSignal, renewAuthorizationUpdate, resumeSignal } from '../workflows/container/messages';
import { createContainerHarness } from '../test/support/container-harness';
import { replayHistoryKey } from '../test/support/replay-key';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const MINUTE_MS = 60 * 1000;
const h = await createContainerHarness({ historyKey: replayHistoryKey() });
const out = new URL('../test/workflows/histories/', import.meta.url);

async function record(name: string, workflowId: string, runId?: string): Promise<void> {
  const history = await h.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  // Binary protobuf: the JSON helper trips over two protobufjs copies under tsx, and replay reads either.
  writeFileSync(new URL(`${name}.binpb`, out), proto.temporal.api.history.v1.History.encode(history).finish());
  console.log(`recorded ${name}: ${history.events?.length} events`);
}

try {
  const healthy = await h.startContainer('replay-healthy');
  const user1 = h.newUser();
  await healthy.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user1) }] });
  await h.env.sleep(25 * MINUTE_MS);
  await healthy.signal(refreshNowSignal);
  await healthy.signal(pauseSignal, 'maintenance');
  await h.env.sleep(30 * MINUTE_MS);
  await healthy.signal(resumeSignal);
  await h.env.sleep(25 * MINUTE_MS);
  await healthy.terminate('recorded');
  await record('healthy-refresh-pause-resume', healthy.workflowId);

  const broken = await h.startContainer('replay-broken');
  const user2 = h.newUser();
  await broken.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user2) }] });
  await h.env.sleep(12 * MINUTE_MS);
  h.sim.control.breakChain({ clientId: h.app.clientId, username: user2.username, how: 'rotate' });
  await h.env.sleep(12 * MINUTE_MS);
  await broken.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user2) }] });
  await h.env.sleep(12 * MINUTE_MS);
  await broken.terminate('recorded');
  await record('broken-then-renewed', broken.workflowId);

  const flaky = await h.startContainer('replay-flaky');
  const user3 = h.newUser();
  await flaky.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user3) }] });
  h.sim.control.addFault({ route: 'token', kind: '5xx', count: 3 });
  await h.env.sleep(25 * MINUTE_MS);
  await flaky.terminate('recorded');
  await record('transient-retries', flaky.workflowId);

  const long = await h.startContainer('replay-continue-as-new', { cyclesPerRun: 3 });
  const user4 = h.newUser();
  await long.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user4) }] });
  await h.env.sleep(40 * MINUTE_MS);
  await record('continue-as-new-first-run', long.workflowId, long.firstExecutionRunId);
  await long.terminate('recorded');
} finally {
  await h.close();
}
