import type { SimCounters } from '../../src/simulator';
import type { BreakRecord, ContainerEnd } from './measure';
import type { TimelineEvent } from './timeline';

/**
 * Two figures of the second soak round, from the timeline and the audit trail (pure, unit-testable):
 * how long after a store outage (or a dev-server outage) refreshes flow again, and the longest time a chain's
 * access token was expired outside the windows any injected disturbance explains.
 */

/** The simulator records Exact's time; with its clock off, every time it records is moved back onto ours. */
export function onOurClock(counters: SimCounters, offsetMs: number): SimCounters {
  if (offsetMs === 0) return counters;
  const at = <T extends { atMs: number }>(records: T[]): T[] => records.map((r) => ({ ...r, atMs: r.atMs - offsetMs }));
  return {
    ...counters,
    tokenCalls: at(counters.tokenCalls),
    meCalls: at(counters.meCalls),
    errors: at(counters.errors),
    logins: at(counters.logins),
    faultsInjected: at(counters.faultsInjected),
    abandonedRequests: at(counters.abandonedRequests),
    chains: counters.chains.map((c) => ({
      ...c,
      startedAtMs: c.startedAtMs - offsetMs,
      accessTokenIssuedAtMs: c.accessTokenIssuedAtMs.map((t) => t - offsetMs),
    })),
  };
}

export type OutageKind = 'postgres-down' | 'postgres-read-only' | 'dev-server-down';

export interface Outage {
  kind: OutageKind;
  fromMs: number;
  toMs: number;
}

/** Outages from the timeline: each stop/kill/read-only to the matching start/writable (open ones end at `endMs`). */
export function outagesOf(events: readonly TimelineEvent[], endMs: number): Outage[] {
  const pairs: [OutageKind, TimelineEvent['kind'][], TimelineEvent['kind']][] = [
    ['postgres-down', ['postgres-stop'], 'postgres-start'],
    ['postgres-read-only', ['store-read-only'], 'store-writable'],
    ['dev-server-down', ['dev-server-stop', 'dev-server-kill'], 'dev-server-start'],
  ];
  const outages: Outage[] = [];
  for (const [kind, starts, end] of pairs) {
    let open: number | undefined;
    for (const event of events) {
      if (starts.includes(event.kind) && open === undefined) open = event.atMs;
      else if (event.kind === end && open !== undefined) {
        outages.push({ kind, fromMs: open, toMs: event.atMs });
        open = undefined;
      }
    }
    if (open !== undefined) outages.push({ kind, fromMs: open, toMs: endMs });
  }
  return outages.sort((a, b) => a.fromMs - b.fromMs);
}

export interface OutageRecovery {
  kind: OutageKind;
  /** Seconds since the soak started. */
  atS: number;
  lastedS: number;
  /** Pairs the journal received during the outage (a read-only or stopped store should take none). */
  storedDuring: number;
  /** From the outage's end to the first pair the journal received, seconds. */
  firstStoredAfterS: number | null;
  /**
   * From the outage's end to the first 5-second slot in which the journal received at least half of what it
   * received per slot in the minute before the outage (or half of the fleet's nominal rate, if that is less).
   */
  flowingAfterS: number | null;
}

const SLOT_MS = 5000;

export function outageRecoveries(input: {
  outages: readonly Outage[];
  containers: readonly ContainerEnd[];
  /** Containers × (slot / cycle): pairs a slot should see when every chain keeps its cadence. */
  nominalPerSlot: number;
  startMs: number;
  endMs: number;
}): OutageRecovery[] {
  const stored = input.containers.flatMap((c) => c.storedAtMs).sort((a, b) => a - b);
  const countIn = (from: number, to: number) => {
    let n = 0;
    for (const at of stored) if (at >= from && at < to) n += 1;
    return n;
  };
  return input.outages.map((outage) => {
    const before = (countIn(outage.fromMs - 60_000, outage.fromMs) * SLOT_MS) / 60_000;
    const threshold = Math.max(1, 0.5 * Math.min(before > 0 ? before : input.nominalPerSlot, input.nominalPerSlot));
    const first = stored.find((at) => at >= outage.toMs);
    let flowing: number | null = null;
    for (let slot = outage.toMs; slot < input.endMs; slot += SLOT_MS) {
      if (countIn(slot, slot + SLOT_MS) >= threshold) {
        flowing = Math.round((slot + SLOT_MS - outage.toMs) / 100) / 10;
        break;
      }
    }
    return {
      kind: outage.kind,
      atS: Math.round((outage.fromMs - input.startMs) / 100) / 10,
      lastedS: Math.round((outage.toMs - outage.fromMs) / 100) / 10,
      storedDuring: countIn(outage.fromMs, outage.toMs),
      firstStoredAfterS: first === undefined ? null : Math.round((first - outage.toMs) / 100) / 10,
      flowingAfterS: flowing,
    };
  });
}

interface Window {
  fromMs: number;
  toMs: number;
}

export interface ExpiryInput {
  containers: readonly ContainerEnd[];
  events: readonly TimelineEvent[];
  breaks: readonly BreakRecord[];
  outages: readonly Outage[];
  /** Real ms an access token lives, and the rule between two refreshes (scaled). */
  accessTokenTtlMs: number;
  minRefreshIntervalMs: number;
  /** The containers' refresh interval, real ms (at least the rule). */
  refreshIntervalMs: number;
  /** The containers' longest backoff, real ms. */
  retryMaxMs: number;
  /** Real ms a refresh activity may run before Temporal retries it elsewhere (a killed worker's). */
  activityTimeoutMs: number;
  startMs: number;
  endMs: number;
}

export interface ExpiredGap {
  alias: string;
  /** Seconds since the soak started. */
  fromS: number;
  toS: number;
  seconds: number;
}

export interface ExpiryStats {
  /**
   * Longest time a chain's access token was expired (beyond what its own refresh interval implies) outside every
   * disturbance window: store and dev-server outages, fault waves, worker kills (each with the time a refresh
   * needs to come back after it) and a container's own break until it healed. Goal 0.
   */
  longestOutsideDisturbancesS: number;
  worstOutsideDisturbances: ExpiredGap[];
  /** The same outside store outages only (PostgreSQL down or read-only, with their tail): kills and faults count. */
  longestOutsideStoreOutagesS: number;
  /** The longest expiry of all, windows or not. */
  longestOverallS: number;
  /** Seconds a disturbance window reaches past its disturbance: the rule, the longest backoff and 10 s of slack. */
  tailS: number;
  /** Containers whose token was expired at some moment outside every window. */
  containersAffected: number;
}

/** Parts of [from, to) outside every window. */
function outside(from: number, to: number, windows: readonly Window[]): Window[] {
  let pieces: Window[] = [{ fromMs: from, toMs: to }];
  for (const w of windows) {
    if (w.toMs <= from || w.fromMs >= to) continue;
    pieces = pieces.flatMap((p) => {
      if (w.toMs <= p.fromMs || w.fromMs >= p.toMs) return [p];
      const rest: Window[] = [];
      if (w.fromMs > p.fromMs) rest.push({ fromMs: p.fromMs, toMs: w.fromMs });
      if (w.toMs < p.toMs) rest.push({ fromMs: w.toMs, toMs: p.toMs });
      return rest;
    });
  }
  return pieces;
}

/**
 * A token stored at t covers [t, t + TTL). A chain on interval I ≥ rule R refreshes at t + I, so the same latency
 * margin the rule leaves (TTL − R) makes it "expired beyond its cadence" from t + I + (TTL − R) on, which at the
 * default interval (I = R) is exactly t + TTL.
 */
export function expiryStats(input: ExpiryInput): ExpiryStats {
  const tailMs = input.minRefreshIntervalMs + input.retryMaxMs + 10_000;
  const graceMs =
    Math.max(input.refreshIntervalMs, input.minRefreshIntervalMs) + input.accessTokenTtlMs - input.minRefreshIntervalMs;
  const storeWindows: Window[] = input.outages
    .filter((o) => o.kind !== 'dev-server-down')
    .map((o) => ({ fromMs: o.fromMs, toMs: o.toMs + tailMs }));
  const global: Window[] = input.outages.map((o) => ({ fromMs: o.fromMs, toMs: o.toMs + tailMs }));
  let waveOn: number | undefined;
  for (const event of input.events) {
    if (event.kind === 'faults-on' && waveOn === undefined) waveOn = event.atMs;
    if (event.kind === 'faults-off' && waveOn !== undefined) {
      global.push({ fromMs: waveOn, toMs: event.atMs + tailMs });
      waveOn = undefined;
    }
    // A killed worker's refresh is retried elsewhere once its activity times out; its workflow tasks after the
    // sticky queue's timeout. Before the storm starts (or after it) nothing is killed.
    if (event.kind === 'worker-kill') {
      global.push({ fromMs: event.atMs, toMs: event.atMs + input.activityTimeoutMs + tailMs });
    }
    if (event.kind === 'worker-exit') global.push({ fromMs: event.atMs, toMs: event.atMs + tailMs });
  }
  if (waveOn !== undefined) global.push({ fromMs: waveOn, toMs: input.endMs + tailMs });

  const gaps: { alias: string; all: Window[]; outsideAll: Window[]; outsideStore: Window[] }[] = [];
  for (const container of input.containers) {
    const stored = [...new Set(container.storedAtMs)].sort((a, b) => a - b);
    const own: Window[] = input.breaks
      .filter((b) => b.alias === container.alias)
      .map((b) => ({ fromMs: b.atMs, toMs: (stored.find((at) => at > b.atMs) ?? input.endMs) + tailMs }));
    const windows = [...global, ...own];
    const expired: Window[] = [];
    stored.forEach((at, i) => {
      const from = Math.max(at + graceMs, input.startMs);
      const to = Math.min(stored[i + 1] ?? input.endMs, input.endMs);
      if (to > from) expired.push({ fromMs: from, toMs: to });
    });
    gaps.push({
      alias: container.alias,
      all: expired,
      outsideAll: expired.flatMap((w) => outside(w.fromMs, w.toMs, windows)),
      outsideStore: expired.flatMap((w) => outside(w.fromMs, w.toMs, storeWindows)),
    });
  }
  const longest = (pick: (g: (typeof gaps)[number]) => Window[]) =>
    Math.round(Math.max(0, ...gaps.flatMap((g) => pick(g).map((w) => w.toMs - w.fromMs))) / 100) / 10;
  const s = (ms: number) => Math.round((ms - input.startMs) / 100) / 10;
  const worst = gaps
    .flatMap((g) =>
      g.outsideAll.map((w) => ({
        alias: g.alias,
        fromS: s(w.fromMs),
        toS: s(w.toMs),
        seconds: Math.round((w.toMs - w.fromMs) / 100) / 10,
      })),
    )
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 10);
  return {
    longestOutsideDisturbancesS: longest((g) => g.outsideAll),
    worstOutsideDisturbances: worst,
    longestOutsideStoreOutagesS: longest((g) => g.outsideStore),
    longestOverallS: longest((g) => g.all),
    tailS: tailMs / 1000,
    containersAffected: gaps.filter((g) => g.outsideAll.length > 0).length,
  };
}
