/**
 * `npm run bench [-- --quick]`: measures chainkeeper on this machine with everything local — a Temporal dev
 * server, in-process Exact simulators, the real worker in its own process — and writes bench/results.json and
 * BENCHMARKS.md. `--quick`: small sizes for CI, written under bench/quick/. `--wait-quiet <s>`: first wait up to
 * that long for the load average to drop below half the cores. `--render`: measure nothing, rebuild the figures
 * and the report from the results file's raw measurements.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { PROJECT_ROOT } from '../../src/temporal/tools';
import { containerWorkflowId } from '../../workflows';
import { baselineRamp, workerRamp } from './capacity';
import { terminateContainers } from './containers';
import { idleFleet } from './fleet';
import { cycleCosts } from './history-costs';
import { describeMachine, oneMinuteLoad } from './machine';
import { FULL_PLAN, QUICK_PLAN, type BenchPlan } from './plan';
import { measureProxyPhase } from './proxy-phase';
import { teardown, teardownOnSignals } from './processes';
import { measureQueries } from './queries';
import { measureRecovery } from './recovery';
import { renderReport } from './render';
import { measureReplayCost } from './replay-cost';
import type { BenchResults } from './results';
import { startStack, type Stack } from './stack';
import { progress, round } from './stats';
import { summarize, type PhaseResults } from './summarize';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'wait-quiet': { type: 'string', default: '0' },
    render: { type: 'boolean', default: false },
  },
});
const plan = values.quick ? QUICK_PLAN : FULL_PLAN;
const waitQuietS = Number(values['wait-quiet']);
if (!Number.isFinite(waitQuietS) || waitQuietS < 0) {
  console.error('--wait-quiet takes the most seconds to wait for a quiet machine, e.g. --wait-quiet 600');
  process.exit(2);
}

/** Waits (at most `limitS`) until the one-minute load average is below half the cores: other work skews figures. */
async function waitForQuiet(limitS: number): Promise<void> {
  const deadline = Date.now() + limitS * 1000;
  while (oneMinuteLoad() > cpus().length / 2 && Date.now() < deadline) {
    progress(`waiting for a quiet machine: load average ${oneMinuteLoad()}`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
}

async function runPhases(stack: Stack): Promise<PhaseResults> {
  progress('capacity: the worker');
  const worker = await workerRamp(stack, plan.worker);
  const history = await stack.client.client.workflow.getHandle(containerWorkflowId(worker.aliases[0]!)).fetchHistory();
  const costs = cycleCosts(history.events ?? []);
  progress('replay cost of a container evicted from the cache');
  const replay = await measureReplayCost(stack, worker.aliases[0]!);
  await terminateContainers(stack, worker.aliases);

  progress('capacity: the plain undici baseline');
  const baseline = await baselineRamp(stack, plan.baseline);

  // Memory is read on a fresh worker: the capacity phase's terminated containers would still sit in its cache.
  await stack.restartWorker();
  progress(`enrollment and memory: ${plan.fleet} idle containers`);
  const fleet = await idleFleet(stack, plan.fleet, plan.fleetSettleS);
  const queries = [];
  for (const via of ['query', 'provider'] as const) {
    for (const consumers of plan.queryConsumers) {
      progress(`access tokens by ${via}: ${consumers} consumers for ${plan.querySeconds} s`);
      queries.push(await measureQueries(stack, fleet.aliases, consumers, plan.querySeconds, via));
    }
  }
  await terminateContainers(stack, fleet.aliases);

  progress(`recovery: ${plan.recoveryBreaks} broken chains healed in headless Chromium`);
  const recovery = await measureRecovery(stack, plan.recoveryBreaks);
  return { fleet: { ...fleet, aliases: undefined }, queries, worker: worker.ramp, baseline, costs, replay, recovery };
}

async function writeFormatted(relativePath: string, text: string, parser: 'json' | 'markdown'): Promise<void> {
  const path = resolve(PROJECT_ROOT, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...options, parser }));
}

/** Runs every phase on a fresh stack and summarizes them. */
async function measure(): Promise<BenchResults> {
  await waitForQuiet(waitQuietS);
  const startedAt = new Date();
  const machine = describeMachine();
  progress(`${plan.mode} run on ${machine.cores} × ${machine.cpuModel}, Node ${machine.node}`);
  if (machine.loadAverage.start > machine.cores / 2) {
    progress(`the load average is ${machine.loadAverage.start}: other work on this machine will show in the figures`);
  }
  // The proxy needs no Temporal: measured before the stack starts, on a machine without its processes.
  const proxy = await measureProxyPhase(plan.proxy);
  stack = await startStack();
  const phases = { ...(await runPhases(stack)), proxy };
  machine.loadAverage.end = oneMinuteLoad();
  return summarize(plan, machine, startedAt, round((Date.now() - startedAt.getTime()) / 1000, 0)!, phases);
}

/** The figures again from a results file's raw measurements (after a change to how they are summarized). */
function summarizeAgain(): BenchResults {
  const saved = JSON.parse(readFileSync(resolve(PROJECT_ROOT, plan.resultsPath), 'utf8')) as BenchResults;
  const { plan: _plan, ...phases } = saved.details as unknown as PhaseResults & { plan: BenchPlan };
  return summarize(plan, saved.machine, new Date(saved.startedAt), saved.durationS, phases);
}

teardownOnSignals();
let stack: Stack | undefined;
try {
  const results = values.render ? summarizeAgain() : await measure();
  await writeFormatted(plan.resultsPath, JSON.stringify(results), 'json');
  await writeFormatted(plan.reportPath, renderReport(results), 'markdown');
  progress(`wrote ${plan.resultsPath} and ${plan.reportPath}`);
  for (const figure of Object.values(results.figures)) {
    const goal = figure.goal ? ` (goal ${figure.goal.op} ${figure.goal.value}: ${figure.pass ? 'met' : 'missed'})` : '';
    console.log(`${figure.label}: ${figure.value ?? 'not measured'} ${figure.unit}${goal}`);
  }
} catch (error) {
  console.error(error);
  if (stack) {
    const log = readFileSync(stack.workerLog, 'utf8').split('\n').slice(-20).join('\n');
    console.error(`last lines of the worker's log:\n${log}`);
  }
  process.exitCode = 1;
} finally {
  await teardown();
}
