import type { ExactRules } from '../../src/exact/rules';
import { maxInAnyWindow, type BudgetEndpoint, type SimCounters, type TokenCallRecord } from '../../src/simulator';
import type { ContainerStatus } from '../../workflows/container/types';
import type { BreakHow } from './chaos';

/**
 * The soak's five counts, computed from what the simulator saw (its counters), what the soak did (breaks) and
 * how the containers ended (status query, audit trail). Pure, so every rule of attribution is unit-tested.
 */

export interface BreakRecord {
  alias: string;
  userId: string;
  how: BreakHow;
  atMs: number;
}

export interface ContainerEnd {
  alias: string;
  userId: string;
  status?: ContainerStatus;
  statusError?: string;
  /** Whether /Me accepted the access token the container hands out at the end. */
  tokenAccepted?: boolean;
  /** Pairs Exact issued on the container's live chain, read right around its final status. */
  exactGeneration?: number;
  /** When chainkeeper stored each new pair (audit trail: enrolled, refreshed, renewed, recovered), epoch ms. */
  storedAtMs: number[];
  /** When Exact refused the container's chain as broken (audit trail), epoch ms. */
  chainBrokenAtMs: number[];
  /** The audit trail held more events than one read returns: the oldest events are missing. */
  auditTruncated?: boolean;
}

export interface MeasureInput {
  counters: SimCounters;
  rules: ExactRules;
  grace: boolean;
  httpTimeoutMs: number;
  containers: ContainerEnd[];
  breaks: BreakRecord[];
  stormEndMs: number;
}

const BROKEN_OUTCOMES = new Set<TokenCallRecord['outcome']>([
  'old-refresh-token',
  'invalid-chain',
  'refresh-token-expired',
]);

interface CallRef {
  alias: string;
  atMs: number;
}

export interface SoakCounts {
  chainsNotRecovered: {
    count: number;
    broken: number;
    details: { alias: string; brokenAtMs: number; finalStatus: string; lastIssueAtMs?: number }[];
  };
  refreshTokensLostByUs: {
    count: number;
    oldTokenPresented: number;
    explainedByRotateBreaks: number;
    /** Old tokens presented because Exact's answer never reached us (only possible without grace). */
    lostInTransit: number;
    details: (CallRef & { recentCalls: { atMs: number; outcome: string; answerLost?: boolean }[] })[];
  };
  refreshesEarlierThanRule: {
    count: number;
    /** Refreshes Exact refused as too early (an attempt before the rule). */
    tooEarlyRefusals: number;
    /** Access tokens of one chain issued closer together than the rule (the simulator should make this 0). */
    issueGapsBelowRule: number;
    details: (CallRef & { kind: 'too-early' | 'gap'; gapMs?: number })[];
  };
  worstErrorsPerEndpointPerHour: {
    /** The worst of any (app, user, endpoint) in any window of the scaled hour: what Exact blocks on. */
    count: number;
    windowS: number;
    perEndpoint: Record<BudgetEndpoint, { worstPerUser: number; worstAlias?: string; appWide: number; total: number }>;
    blockedResponses: number;
  };
  containersNeedingHuman: { count: number; details: { alias: string; reason?: string }[] };
  notHealthyAtEnd: { alias: string; status: string; tokenAccepted?: boolean; lastError?: string }[];
}

export function measure(input: MeasureInput): SoakCounts {
  const aliasOf = new Map(input.containers.map((c) => [c.userId, c.alias]));
  const callsByUser = groupBy(input.counters.tokenCalls, (call) => call.userId);
  return {
    chainsNotRecovered: chainsNotRecovered(input, callsByUser),
    refreshTokensLostByUs: lostRefreshTokens(input, callsByUser, aliasOf),
    refreshesEarlierThanRule: earlyRefreshes(input, aliasOf),
    worstErrorsPerEndpointPerHour: worstErrors(input, aliasOf),
    containersNeedingHuman: needingHuman(input),
    notHealthyAtEnd: input.containers
      .filter((c) => c.status?.status !== 'healthy' || c.tokenAccepted === false)
      .map((c) => ({
        alias: c.alias,
        status: c.status?.status ?? `unknown (${c.statusError ?? 'no answer'})`,
        tokenAccepted: c.tokenAccepted,
        lastError: c.status?.lastError ? `${c.status.lastError.type}: ${c.status.lastError.message}` : undefined,
      })),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Broken on purpose or found broken; healed means healthy on a chain started after the last break, refreshing after the storm. */
function chainsNotRecovered(
  input: MeasureInput,
  callsByUser: Map<string, TokenCallRecord[]>,
): SoakCounts['chainsNotRecovered'] {
  const details: SoakCounts['chainsNotRecovered']['details'] = [];
  let broken = 0;
  for (const container of input.containers) {
    const breakTimes = [
      ...input.breaks.filter((b) => b.userId === container.userId).map((b) => b.atMs),
      ...(callsByUser.get(container.userId) ?? []).filter((c) => BROKEN_OUTCOMES.has(c.outcome)).map((c) => c.atMs),
    ];
    if (breakTimes.length === 0) continue;
    broken += 1;
    const lastBreakMs = Math.max(...breakTimes);
    const chains = input.counters.chains.filter((c) => c.userId === container.userId && c.alive);
    const healed = chains.find(
      (c) => c.startedAtMs > lastBreakMs && c.accessTokenIssuedAtMs.some((at) => at > input.stormEndMs),
    );
    if (container.status?.status === 'healthy' && container.tokenAccepted !== false && healed) continue;
    const lastIssue = chains.flatMap((c) => c.accessTokenIssuedAtMs).sort((a, b) => b - a)[0];
    details.push({
      alias: container.alias,
      brokenAtMs: Math.min(...breakTimes),
      finalStatus: container.status?.status ?? 'unknown',
      lastIssueAtMs: lastIssue,
    });
  }
  return { count: details.length, broken, details };
}

/**
 * An old refresh token presented is ours to answer for unless a deliberate `rotate` break explains it (one
 * presentation per break) or, without grace, Exact's answer with the successor never reached us: the last
 * successful call lost its answer, or no pair was stored within the HTTP timeout of it.
 */
function lostRefreshTokens(
  input: MeasureInput,
  callsByUser: Map<string, TokenCallRecord[]>,
  aliasOf: Map<string, string>,
): SoakCounts['refreshTokensLostByUs'] {
  const rotateBreaks = new Map(
    [
      ...groupBy(
        input.breaks.filter((b) => b.how === 'rotate'),
        (b) => b.userId,
      ),
    ].map(([user, list]) => [user, list.map((b) => b.atMs).sort((a, b) => a - b)]),
  );
  const stored = new Map(input.containers.map((c) => [c.userId, c.storedAtMs]));
  let presented = 0;
  let explained = 0;
  let inTransit = 0;
  const details: SoakCounts['refreshTokensLostByUs']['details'] = [];
  for (const [userId, calls] of callsByUser) {
    const sorted = [...calls].sort((a, b) => a.atMs - b.atMs);
    sorted.forEach((call, index) => {
      if (call.outcome !== 'old-refresh-token') return;
      presented += 1;
      const pending = rotateBreaks.get(userId);
      const breakIndex = pending?.findIndex((at) => at <= call.atMs) ?? -1;
      if (pending && breakIndex >= 0) {
        pending.splice(breakIndex, 1);
        explained += 1;
        return;
      }
      const before = sorted.slice(0, index);
      if (!input.grace) {
        const lastOk = before.filter((c) => c.outcome === 'ok').at(-1);
        const storedIt = (stored.get(userId) ?? []).some(
          (at) => lastOk && at >= lastOk.atMs - 1000 && at <= lastOk.atMs + input.httpTimeoutMs + 5000,
        );
        if (lastOk && (lastOk.answerLost || !storedIt)) {
          inTransit += 1;
          return;
        }
      }
      details.push({
        alias: aliasOf.get(userId) ?? userId,
        atMs: call.atMs,
        recentCalls: before.slice(-5).map((c) => ({ atMs: c.atMs, outcome: c.outcome, answerLost: c.answerLost })),
      });
    });
  }
  return {
    count: details.length,
    oldTokenPresented: presented,
    explainedByRotateBreaks: explained,
    lostInTransit: inTransit,
    details,
  };
}

function earlyRefreshes(input: MeasureInput, aliasOf: Map<string, string>): SoakCounts['refreshesEarlierThanRule'] {
  const details: SoakCounts['refreshesEarlierThanRule']['details'] = [];
  const tooEarly = input.counters.tokenCalls.filter((c) => c.outcome === 'too-early');
  for (const call of tooEarly)
    details.push({ alias: aliasOf.get(call.userId ?? '') ?? 'unknown', atMs: call.atMs, kind: 'too-early' });
  const ruleMs = input.rules.minRefreshIntervalS * 1000;
  let gaps = 0;
  for (const chain of input.counters.chains) {
    const issues = [...chain.accessTokenIssuedAtMs].sort((a, b) => a - b);
    for (let i = 1; i < issues.length; i++) {
      const gapMs = (issues[i] as number) - (issues[i - 1] as number);
      if (gapMs >= ruleMs) continue;
      gaps += 1;
      details.push({
        alias: aliasOf.get(chain.userId) ?? chain.username,
        atMs: issues[i] as number,
        kind: 'gap',
        gapMs,
      });
    }
  }
  return { count: tooEarly.length + gaps, tooEarlyRefusals: tooEarly.length, issueGapsBelowRule: gaps, details };
}

function worstErrors(input: MeasureInput, aliasOf: Map<string, string>): SoakCounts['worstErrorsPerEndpointPerHour'] {
  const windowMs = input.rules.hourS * 1000;
  const perEndpoint = {} as SoakCounts['worstErrorsPerEndpointPerHour']['perEndpoint'];
  for (const endpoint of ['token', 'me'] as const) {
    const errors = input.counters.errors.filter((e) => e.endpoint === endpoint);
    let worstPerUser = 0;
    let worstAlias: string | undefined;
    for (const [subject, records] of groupBy(errors, (e) => `${e.clientId}\u0000${e.subject}`)) {
      const worst = maxInAnyWindow(records, windowMs);
      if (worst > worstPerUser) {
        worstPerUser = worst;
        worstAlias = aliasOf.get(subject.split('\u0000')[1] ?? '') ?? subject.split('\u0000')[1];
      }
    }
    perEndpoint[endpoint] = {
      worstPerUser,
      worstAlias,
      appWide: maxInAnyWindow(errors, windowMs),
      total: errors.length,
    };
  }
  const blocked =
    input.counters.tokenCalls.filter((c) => c.outcome === 'blocked').length +
    input.counters.meCalls.filter((c) => c.status === 403).length;
  return {
    count: Math.max(perEndpoint.token.worstPerUser, perEndpoint.me.worstPerUser),
    windowS: input.rules.hourS,
    perEndpoint,
    blockedResponses: blocked,
  };
}

function needingHuman(input: MeasureInput): SoakCounts['containersNeedingHuman'] {
  const details = input.containers
    .filter((c) => c.status?.status === 'needs-reauth')
    .map((c) => ({ alias: c.alias, reason: c.status?.reauthReason }));
  return { count: details.length, details };
}
