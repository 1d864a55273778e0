/**
 * `tsx scripts/bench/proxy.ts [--requests 2000] [--levels 1,10]`: what the Exact API proxy adds to a request,
 * against calling the simulator directly (goal: p99 < 5 ms added). Prints a table on stderr and JSON on stdout.
 */
import { parseArgs } from 'node:util';
import { measureProxyOverhead } from './proxy-overhead';
import { progress } from './stats';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '2000' }, levels: { type: 'string', default: '1,10' } },
});
const requests = Number(values.requests);
const levels = values.levels.split(',').map(Number);
progress(`proxy overhead: ${requests} requests per way at ${levels.join(', ')} concurrent consumer(s)`);
const results = await measureProxyOverhead({ requests, levels });
for (const level of results) {
  progress(
    `${level.consumers} consumer(s): direct p50 ${level.direct.p50Ms} ms, p99 ${level.direct.p99Ms} ms; ` +
      `proxied p50 ${level.proxied.p50Ms} ms, p99 ${level.proxied.p99Ms} ms; ` +
      `added p50 ${level.addedP50Ms} ms, p99 ${level.addedP99Ms} ms (goal p99 < 5 ms); failures ${level.failures}`,
  );
}
console.log(JSON.stringify({ proxyOverhead: results }, null, 2));
