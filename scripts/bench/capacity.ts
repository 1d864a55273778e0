import { resolve } from 'node:path';
import { measureWindow, nominalGapMs, type CapacityWindow } from './capacity-window';
import { enrollContainers, newUser, refreshTokenFor, type ContainerSpec } from './containers';
import { spawnTsx, stopChild } from './processes';
import type { Stack } from './stack';
import { progress, sleep } from './stats';

/** How a capacity ramp runs: container counts to try in order, and how long to settle and measure each. */
export interface RampPlan {
  levels: number[];
  settleS: number;
  windowS: number;
}

export interface Ramp {
  windows: CapacityWindow[];
  /** The highest cycle rate of a sustained window (undefined when even the first level was not sustained). */
  sustainedPerS?: number;
  /** The highest cycle rate seen in any window: the throughput at saturation. */
  peakPerS?: number;
  /** Whether the ramp stopped because a level was not sustained (else the plan ran out first). */
  saturated: boolean;
}

function summarize(windows: CapacityWindow[]): Ramp {
  const sustained = windows.filter((w) => w.sustained).map((w) => w.cyclesPerS);
  return {
    windows,
    sustainedPerS: sustained.length > 0 ? Math.max(...sustained) : undefined,
    peakPerS: windows.length > 0 ? Math.max(...windows.map((w) => w.cyclesPerS)) : undefined,
    saturated: windows.some((w) => !w.sustained),
  };
}

/** Refresh tokens of `count` new chains, exchanged 16 at a time. */
async function newChains(stack: Stack, count: number, prefix: string): Promise<ContainerSpec[]> {
  const specs: ContainerSpec[] = [];
  let made = 0;
  const work = async () => {
    while (made < count) {
      made++;
      const user = newUser(stack.fast, prefix);
      const refreshToken = await refreshTokenFor(stack, stack.fast, user);
      specs.push({ alias: user.username, user, grant: { refreshToken } });
    }
  };
  await Promise.all(Array.from({ length: 16 }, work));
  return specs;
}

/**
 * Containers on the worker at Exact's rules ×1/500, one level after the other (containers are added, never
 * removed), until a level is not sustained. Returns the windows and the aliases to terminate.
 */
export async function workerRamp(stack: Stack, plan: RampPlan): Promise<{ ramp: Ramp; aliases: string[] }> {
  const aliases: string[] = [];
  const windows: CapacityWindow[] = [];
  const pids = { worker: stack.worker.pid!, server: stack.server.process.pid!, simulator: 'self' as const };
  for (const level of plan.levels) {
    const specs = await newChains(stack, level - aliases.length, 'cap');
    // Exact's rules at 1/500 come from the worker's configuration of host `fast`, not from input.
    await enrollContainers(stack, stack.fast, specs, undefined);
    aliases.push(...specs.map((spec) => spec.alias));
    await sleep(plan.settleS * 1000);
    const window = await measureWindow(stack.fast, aliases.length, plan.windowS, pids);
    windows.push(window);
    progress(
      `worker: ${level} containers → ${window.cyclesPerS} cycles/s of ${window.offeredPerS} offered, ` +
        `p99 gap ${window.gapP99Ms} ms, ${window.failedCalls} failed, cores ${JSON.stringify(window.cores)}`,
    );
    if (!window.sustained) break;
  }
  return { ramp: summarize(windows), aliases };
}

/**
 * The baseline a user could write instead: a plain Node process with undici that keeps the same chains on
 * the same schedule (refresh, then one /Me call) with nothing else — no journal, no history, no encryption.
 */
export async function baselineRamp(stack: Stack, plan: RampPlan): Promise<Ramp> {
  const child = spawnTsx(resolve(import.meta.dirname, 'baseline-process.ts'), {
    env: { PATH: process.env.PATH },
    stdio: 'ignore',
  });
  try {
    const windows: CapacityWindow[] = [];
    const pids = { baseline: child.pid!, simulator: 'self' as const };
    let chains = 0;
    for (const level of plan.levels) {
      const specs = await newChains(stack, level - chains, 'base');
      const added = new Promise<void>((done) =>
        child.once('message', () => {
          done();
        }),
      );
      child.send({
        baseUrl: stack.fast.baseUrl,
        clientId: stack.app.clientId,
        clientSecret: stack.app.clientSecret,
        intervalMs: nominalGapMs(stack.fast.rules),
        refreshTokens: specs.map((spec) => ('refreshToken' in spec.grant ? spec.grant.refreshToken : '')),
      });
      await added;
      chains = level;
      await sleep(plan.settleS * 1000);
      const window = await measureWindow(stack.fast, chains, plan.windowS, pids);
      windows.push(window);
      progress(
        `baseline: ${level} chains → ${window.cyclesPerS} cycles/s of ${window.offeredPerS} offered, ` +
          `p99 gap ${window.gapP99Ms} ms, ${window.failedCalls} failed, cores ${JSON.stringify(window.cores)}`,
      );
      if (!window.sustained) break;
    }
    return summarize(windows);
  } finally {
    await stopChild(child, 2000);
  }
}
