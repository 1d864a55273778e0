/**
 * Records workflow histories for the replay test (test/workflows/replay.test.ts). Each recording proves that the
 * workflow code of today replays what the code of its day recorded, so a recorded file is never recorded again:
 * only the names given (`npx tsx scripts/record-histories.ts host-keys-and-worker-rules`) or, without names, the
 * recordings that have no file yet. After a deliberate change to the workflow's commands, add a recording here
 * (and a `patched()` guard if old histories no longer replay); keep the old files.
 *
 * - healthy-refresh-pause-resume, broken-then-renewed, transient-retries, continue-as-new-first-run: recorded
 *   before host keys, with the simulator's base URL in the input and Exact's rules from input.
 * - host-keys-and-worker-rules: a container naming host `simulator`, with the worker's rules (`rules-from-worker`
 *   patch), its Exact user recorded from /Me, a continue-as-new.
 */
import { existsSync, writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pauseSignal, refreshNowSignal, renewAuthorizationUpdate, resumeSignal } from '../workflows/container/messages';
import { createContainerHarness, type ContainerHarness } from '../test/support/container-harness';
import { replayHistoryKey } from '../test/support/replay-key';

const MINUTE_MS = 60 * 1000;
const out = new URL('../test/workflows/histories/', import.meta.url);

async function record(h: ContainerHarness, name: string, workflowId: string, runId?: string): Promise<void> {
  const history = await h.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  // Binary protobuf: the JSON helper trips over two protobufjs copies under tsx, and replay reads either.
  writeFileSync(new URL(`${name}.binpb`, out), proto.temporal.api.history.v1.History.encode(history).finish());
  console.log(`recorded ${name}: ${history.events?.length} events`);
}

/** Each recording by file name (without .binpb). */
const RECORDINGS: Record<string, (h: ContainerHarness, name: string) => Promise<void>> = {
  async 'healthy-refresh-pause-resume'(h, name) {
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
    await record(h, name, healthy.workflowId);
  },
  async 'broken-then-renewed'(h, name) {
    const broken = await h.startContainer('replay-broken');
    const user2 = h.newUser();
    await broken.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user2) }] });
    await h.env.sleep(12 * MINUTE_MS);
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user2.username, how: 'rotate' });
    await h.env.sleep(12 * MINUTE_MS);
    await broken.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user2) }] });
    await h.env.sleep(12 * MINUTE_MS);
    await broken.terminate('recorded');
    await record(h, name, broken.workflowId);
  },
  async 'transient-retries'(h, name) {
    const flaky = await h.startContainer('replay-flaky');
    const user3 = h.newUser();
    await flaky.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user3) }] });
    h.sim.control.addFault({ route: 'token', kind: '5xx', count: 3 });
    await h.env.sleep(25 * MINUTE_MS);
    await flaky.terminate('recorded');
    await record(h, name, flaky.workflowId);
  },
  async 'continue-as-new-first-run'(h, name) {
    const long = await h.startContainer('replay-continue-as-new', { cyclesPerRun: 10 });
    const user4 = h.newUser();
    await long.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user4) }] });
    await h.env.sleep(110 * MINUTE_MS);
    await record(h, name, long.workflowId, long.firstExecutionRunId);
    await long.terminate('recorded');
  },
  async 'host-keys-and-worker-rules'(h, name) {
    const keyed = await h.startContainer('replay-host-key', { cyclesPerRun: 10 });
    const user5 = h.newUser();
    await keyed.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user5) }] });
    await keyed.signal(refreshNowSignal);
    await h.env.sleep(110 * MINUTE_MS);
    await record(h, name, keyed.workflowId, keyed.firstExecutionRunId);
    await keyed.terminate('recorded');
  },
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in RECORDINGS));
if (unknown.length > 0) {
  console.error(`no recording named ${unknown.join(', ')}; known: ${Object.keys(RECORDINGS).join(', ')}`);
  process.exit(2);
}
const names =
  asked.length > 0 ? asked : Object.keys(RECORDINGS).filter((name) => !existsSync(new URL(`${name}.binpb`, out)));
if (names.length === 0) {
  console.log('every recording has its file; name one to record it again (its old proof is lost)');
  process.exit(0);
}
Runtime.install({ logger: new DefaultLogger('ERROR') });
const h = await createContainerHarness({ historyKey: replayHistoryKey() });
try {
  for (const name of names) await RECORDINGS[name]!(h, name);
} finally {
  await h.close();
}
