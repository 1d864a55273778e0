import { authorizationCode, enrollContainers, newUser, type ContainerSpec } from './containers';
import { cpuMeter, residentMiB } from './processes';
import type { Stack } from './stack';
import { progress, round, sleep } from './stats';
import type { WorkerMemory } from './worker-probe';

/** Rows per enrollRows call: their codes are minted just before, well inside Exact's 3-minute code lifetime. */
const BATCH = 250;

export interface FleetResult {
  containers: number;
  /** Wall time of the enrollRows calls (start + renewAuthorization with a code, 16 rows at a time). */
  enrollS: number;
  enrolledPerS: number;
  /** Cores each process used while the rows were enrolled. */
  enrollCores: Record<string, number>;
  /** The worker before any container, and with every container live and idle. */
  workerBefore: WorkerMemory;
  workerLoaded: WorkerMemory;
  /** VmRSS of the worker process from /proc, with every container live. */
  workerRssMiB: number;
  /** The Temporal dev server's resident memory, for context (it holds every history in memory). */
  serverRssMiB: number;
  aliases: string[];
}

/**
 * Enrolls `count` containers at Exact's real rules (so their timers sit at 9.5 minutes and they are idle) and
 * reads the worker's memory once they have settled. Enrollment throughput is measured on the way.
 */
export async function idleFleet(stack: Stack, count: number, settleS: number): Promise<FleetResult> {
  const workerBefore = await stack.workerMemory();
  const aliases: string[] = [];
  let enrollMs = 0;
  const coreSeconds: Record<string, number> = {};
  while (aliases.length < count) {
    const specs: ContainerSpec[] = [];
    for (let i = 0; i < Math.min(BATCH, count - aliases.length); i++) {
      const user = newUser(stack.real, 'idle');
      specs.push({ alias: user.username, user, grant: { code: authorizationCode(stack, stack.real, user) } });
    }
    const startedAt = performance.now();
    const meter = cpuMeter({ worker: stack.worker.pid!, server: stack.server.process.pid!, client: 'self' });
    await enrollContainers(stack, stack.real, specs, undefined);
    const batchMs = performance.now() - startedAt;
    enrollMs += batchMs;
    for (const [name, cores] of Object.entries(meter.stop())) {
      coreSeconds[name] = (coreSeconds[name] ?? 0) + (cores * batchMs) / 1000;
    }
    aliases.push(...specs.map((spec) => spec.alias));
    progress(`fleet: ${aliases.length}/${count} containers enrolled`);
  }
  await sleep(settleS * 1000);
  // /proc first: the probe runs a full GC, which would flatter the resident figure.
  const workerRssMiB = round(residentMiB(stack.worker.pid!))!;
  const workerLoaded = await stack.workerMemory();
  return {
    containers: count,
    enrollS: round(enrollMs / 1000)!,
    enrolledPerS: round(count / (enrollMs / 1000))!,
    enrollCores: Object.fromEntries(
      Object.entries(coreSeconds).map(([name, seconds]) => [name, round(seconds / (enrollMs / 1000), 2)!]),
    ),
    workerBefore,
    workerLoaded,
    workerRssMiB,
    serverRssMiB: round(residentMiB(stack.server.process.pid!))!,
    aliases,
  };
}
