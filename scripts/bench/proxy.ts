/**
 * `tsx scripts/bench/proxy.ts [--requests 2000] [--levels 1,10]`: what the Exact API proxy adds to a request,
 * against calling the simulator directly (goal: p99 < 5 ms added). Prints a table on stderr and JSON on stdout.
 *
 * `--merge [--quick] [--wait-quiet <s>]`: the proxy phase of `npm run bench` (or of `--quick`) alone, at its sizes,
 * merged into that run's results file and report without touching their other figures; first waiting up to `s`
 * seconds for the load average to drop below half the cores, as `npm run bench` can.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { oneMinuteLoad } from './machine';
import { FULL_PLAN, QUICK_PLAN } from './plan';
import { mergeProxyPhase } from './proxy-merge';
import { measureProxyOverhead } from './proxy-overhead';
import { measureProxyPhase } from './proxy-phase';
import { teardown, teardownOnSignals } from './processes';
import { progress, sleep } from './stats';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    levels: { type: 'string', default: '1,10' },
    merge: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'wait-quiet': { type: 'string', default: '0' },
  },
});

teardownOnSignals();
try {
  if (values.merge) {
    const deadline = Date.now() + Number(values['wait-quiet']) * 1000;
    while (oneMinuteLoad() > cpus().length / 2 && Date.now() < deadline) {
      progress(`waiting for a quiet machine: load average ${oneMinuteLoad()}`);
      await sleep(15_000);
    }
    const plan = values.quick ? QUICK_PLAN : FULL_PLAN;
    const figures = await mergeProxyPhase(plan, await measureProxyPhase(plan.proxy));
    progress(`merged into ${plan.resultsPath} and ${plan.reportPath}`);
    for (const f of Object.values(figures)) {
      const goal = f.goal ? ` (goal ${f.goal.op} ${f.goal.value}: ${f.pass ? 'met' : 'missed'})` : '';
      console.log(`${f.label}: ${f.value ?? 'not measured'} ${f.unit}${goal}`);
    }
  } else {
    const requests = Number(values.requests);
    const levels = values.levels.split(',').map(Number);
    progress(`proxy overhead: ${requests} requests per way at ${levels.join(', ')} concurrent consumer(s)`);
    const results = await measureProxyOverhead({ requests, levels });
    for (const level of results) {
      progress(
        `${level.consumers} consumer(s): direct p50 ${level.direct.p50Ms} ms, p99 ${level.direct.p99Ms} ms; ` +
          `proxied p50 ${level.proxied.p50Ms} ms, p99 ${level.proxied.p99Ms} ms; added p50 ${level.addedP50Ms} ms, ` +
          `p99 ${level.addedP99Ms} ms (goal p99 < 5 ms); proxy CPU ${level.proxyCpuMsPerRequest} ms/request; ` +
          `failures ${level.failures}`,
      );
    }
    console.log(JSON.stringify({ proxyOverhead: results }, null, 2));
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await teardown();
}
