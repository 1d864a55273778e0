import type { ExactRules } from '../../src/exact/rules';
import type { SimCounters } from '../../src/simulator';
import type { BreakRecord, ContainerEnd } from './measure';
import type { TimelineEvent } from './timeline';

/** Facts that explain the counts (load, cadence, availability, healing times); none of them is a goal. */
export interface SoakStats {
  tokenCalls: { total: number; byOutcome: Record<string, number>; answersLost: number };
  meCalls: { total: number; byStatus: Record<string, number> };
  faultsInjected: { total: number; byRouteAndKind: Record<string, number> };
  /** Requests the worker gave up on (its HTTP timeout) before the simulator answered: processed never. */
  abandonedRequests: { total: number; byRoute: Record<string, number> };
  logins: { ok: number; failed: number };
  /** Real seconds between two access tokens of one chain. */
  refreshGapS: { p50: number; p95: number; max: number; count: number };
  /** Share of the time after enrollment each container held an unexpired access token (from its audit trail). */
  tokenAvailability: { mean: number; min: number; minAlias?: string; below99Percent: number };
  /**
   * Per deliberate break: seconds until Exact refused the broken chain, until a new chain issued a token, and how
   * often the container presented the broken chain again after the first refusal (each one an error response).
   */
  healing: {
    detectedS: Quantiles;
    healedS: Quantiles;
    notHealed: number;
    refusalsAfterTheFirst: number;
    perBreak: { alias: string; how: string; atS: number; refusedAtS: number[]; healedAtS?: number }[];
  };
  /** Share of the storm a worker was polling. */
  workerUpShare: number;
  /**
   * Pairs Exact issued on each container's current chain that never reached chainkeeper's journal (issued
   * minus the journal's generation): lost to a fault that dropped the answer, or with a worker killed mid-call.
   */
  pairsNotStored: { total: number; answerDroppedByFault: number; withKilledWorker: number; containers: number };
}

export interface Quantiles {
  p50: number;
  p95: number;
  max: number;
  count: number;
}

export function quantiles(values: readonly number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (v: number) => Math.round(v * 100) / 100;
  return { p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1) ?? 0), count: sorted.length };
}

function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/** Length of the union of [start, start + lengthMs) intervals inside [fromMs, toMs). */
function coveredMs(starts: readonly number[], lengthMs: number, fromMs: number, toMs: number): number {
  let covered = 0;
  let reach = fromMs;
  for (const start of [...starts].sort((a, b) => a - b)) {
    const from = Math.max(start, reach);
    const to = Math.min(start + lengthMs, toMs);
    if (to > from) covered += to - from;
    reach = Math.max(reach, Math.min(start + lengthMs, toMs));
  }
  return covered;
}

export interface StatsInput {
  counters: SimCounters;
  rules: ExactRules;
  containers: ContainerEnd[];
  breaks: BreakRecord[];
  timeline: TimelineEvent[];
  stormStartMs: number;
  stormEndMs: number;
  endMs: number;
}

export function soakStats(input: StatsInput): SoakStats {
  const { counters } = input;
  const gaps = counters.chains.flatMap((chain) => {
    const issues = [...chain.accessTokenIssuedAtMs].sort((a, b) => a - b);
    return issues.slice(1).map((at, i) => (at - (issues[i] as number)) / 1000);
  });

  const ttlMs = input.rules.accessTokenTtlS * 1000;
  let availability = { mean: 1, min: 1, minAlias: undefined as string | undefined, below99Percent: 0 };
  const shares = input.containers.map((c) => {
    // A truncated audit trail says nothing of the time before its oldest event.
    const from = c.auditTruncated ? Math.max(input.stormStartMs, Math.min(...c.storedAtMs)) : input.stormStartMs;
    const share = input.endMs > from ? coveredMs(c.storedAtMs, ttlMs, from, input.endMs) / (input.endMs - from) : 1;
    return { alias: c.alias, share };
  });
  if (shares.length > 0) {
    const worst = shares.reduce((a, b) => (b.share < a.share ? b : a));
    availability = {
      mean: Math.round((shares.reduce((sum, s) => sum + s.share, 0) / shares.length) * 1e4) / 1e4,
      min: Math.round(worst.share * 1e4) / 1e4,
      minAlias: worst.alias,
      below99Percent: shares.filter((s) => s.share < 0.99).length,
    };
  }

  const detected: number[] = [];
  const healed: number[] = [];
  const perBreak: SoakStats['healing']['perBreak'] = [];
  let notHealed = 0;
  let refusalsAfterTheFirst = 0;
  const seconds = (ms: number) => Math.round((ms - input.stormStartMs) / 100) / 10;
  for (const broken of input.breaks) {
    const container = input.containers.find((c) => c.alias === broken.alias);
    const next = counters.chains
      .filter((c) => c.userId === broken.userId && c.startedAtMs > broken.atMs)
      .sort((a, b) => a.startedAtMs - b.startedAtMs)[0];
    // The audit trail names the container even where Exact could not name the user (an invalidated chain).
    const refusals = (container?.chainBrokenAtMs ?? [])
      .filter((at) => at >= broken.atMs && (!next || at <= next.startedAtMs))
      .sort((a, b) => a - b);
    if (refusals[0] !== undefined) detected.push((refusals[0] - broken.atMs) / 1000);
    refusalsAfterTheFirst += Math.max(0, refusals.length - 1);
    if (next) healed.push((next.startedAtMs - broken.atMs) / 1000);
    else notHealed += 1;
    perBreak.push({
      alias: broken.alias,
      how: broken.how,
      atS: seconds(broken.atMs),
      refusedAtS: refusals.map(seconds),
      healedAtS: next ? seconds(next.startedAtMs) : undefined,
    });
  }

  return {
    tokenCalls: {
      total: counters.tokenCalls.length,
      byOutcome: tally(counters.tokenCalls.map((c) => c.outcome)),
      answersLost: counters.tokenCalls.filter((c) => c.answerLost).length,
    },
    meCalls: { total: counters.meCalls.length, byStatus: tally(counters.meCalls.map((c) => String(c.status))) },
    faultsInjected: {
      total: counters.faultsInjected.length,
      byRouteAndKind: tally(counters.faultsInjected.map((f) => `${f.route} ${f.kind}`)),
    },
    abandonedRequests: {
      total: counters.abandonedRequests.length,
      byRoute: tally(counters.abandonedRequests.map((a) => a.route)),
    },
    logins: {
      ok: counters.logins.filter((l) => l.ok && l.step === 'totp').length,
      failed: counters.logins.filter((l) => !l.ok).length,
    },
    refreshGapS: quantiles(gaps),
    tokenAvailability: availability,
    healing: {
      detectedS: quantiles(detected),
      healedS: quantiles(healed),
      notHealed,
      refusalsAfterTheFirst,
      perBreak,
    },
    workerUpShare: workerUpShare(input.timeline, input.stormStartMs, input.stormEndMs),
    pairsNotStored: pairsNotStored(input),
  };
}

function pairsNotStored(input: StatsInput): SoakStats['pairsNotStored'] {
  const result = { total: 0, answerDroppedByFault: 0, withKilledWorker: 0, containers: 0 };
  for (const container of input.containers) {
    const stored = container.status?.generation;
    const issued = container.exactGeneration;
    if (stored === undefined || issued === undefined || container.status?.status !== 'healthy') continue;
    const lost = issued - stored;
    if (lost <= 0) continue;
    const chainStart = input.counters.chains
      .filter((c) => c.userId === container.userId && c.alive)
      .reduce((latest, c) => Math.max(latest, c.startedAtMs), 0);
    const dropped = input.counters.tokenCalls.filter(
      (c) => c.userId === container.userId && c.outcome === 'ok' && c.answerLost && c.atMs >= chainStart,
    ).length;
    result.total += lost;
    result.answerDroppedByFault += Math.min(dropped, lost);
    result.withKilledWorker += Math.max(0, lost - dropped);
    result.containers += 1;
  }
  return result;
}

/**
 * From the timeline: the share of [from, to) between a worker-ready and the next kill or exit; with several
 * workers (events tagged `worker`), the mean of their shares.
 */
function workerUpShare(events: readonly TimelineEvent[], fromMs: number, toMs: number): number {
  const names = [...new Set(events.map((e) => e.detail?.worker).filter((w) => w !== undefined))];
  if (names.length === 0) return oneWorkerUpShare(events, fromMs, toMs);
  const shares = names.map((name) =>
    oneWorkerUpShare(
      events.filter((e) => e.detail?.worker === name),
      fromMs,
      toMs,
    ),
  );
  return Math.round((shares.reduce((a, b) => a + b, 0) / shares.length) * 1000) / 1000;
}

function oneWorkerUpShare(events: readonly TimelineEvent[], fromMs: number, toMs: number): number {
  let up = 0;
  let since: number | undefined;
  for (const event of events) {
    if (event.kind === 'worker-ready') since = event.atMs;
    if ((event.kind === 'worker-kill' || event.kind === 'worker-exit') && since !== undefined) {
      up += Math.max(0, Math.min(event.atMs, toMs) - Math.max(since, fromMs));
      since = undefined;
    }
  }
  if (since !== undefined) up += Math.max(0, toMs - Math.max(since, fromMs));
  return toMs > fromMs ? Math.round((up / (toMs - fromMs)) * 1000) / 1000 : 0;
}
