import { describe, expect, it } from 'vitest';
import { scaleRules } from '../../src/exact/rules';
import type { ChainRecord, ErrorRecord, SimCounters, TokenCallRecord } from '../../src/simulator';
import { Counters } from '../../src/simulator/counters';
import { measure, type ContainerEnd, type MeasureInput } from '../../scripts/soak/measure';
import type { ContainerStatus } from '../../contract/container';

const rules = scaleRules(0.02); // 570 s → 11.4 s, an hour → 72 s
const T0 = 1_800_000_000_000;
const STORM_END = T0 + 600_000;

function call(userId: string, atS: number, outcome: TokenCallRecord['outcome'], answerLost?: boolean): TokenCallRecord {
  return {
    atMs: T0 + atS * 1000,
    clientId: 'app',
    userId,
    grantType: 'refresh_token',
    outcome,
    status: 200,
    answerLost,
  };
}

function chain(userId: string, startedS: number, issuedS: number[], alive = true): ChainRecord {
  return {
    chainId: `${userId}-${startedS}`,
    clientId: 'app',
    userId,
    username: `${userId}@soak.example`,
    startedAtMs: T0 + startedS * 1000,
    alive,
    accessTokenIssuedAtMs: issuedS.map((s) => T0 + s * 1000),
  };
}

function counters(parts: Partial<SimCounters>): SimCounters {
  return { ...new Counters().snapshot(), ...parts };
}

function end(
  alias: string,
  userId: string,
  status: ContainerStatus['status'],
  extra: Partial<ContainerEnd> = {},
): ContainerEnd {
  const answer: ContainerStatus = {
    alias,
    status,
    retryAttempt: 0,
    tokenCallsToday: 0,
    refreshes: 0,
    failures: 0,
    runs: 1,
  };
  return { alias, userId, status: answer, tokenAccepted: true, storedAtMs: [], chainBrokenAtMs: [], ...extra };
}

function input(parts: Partial<MeasureInput>): MeasureInput {
  return {
    counters: counters({}),
    rules,
    grace: true,
    httpTimeoutMs: 2000,
    containers: [],
    breaks: [],
    stormEndMs: STORM_END,
    ...parts,
  };
}

describe('the soak counts', () => {
  it('blames an old refresh token on us unless a rotate break explains it, one presentation per break', () => {
    const result = measure(
      input({
        counters: counters({
          tokenCalls: [call('u1', 10, 'ok'), call('u1', 30, 'old-refresh-token'), call('u1', 50, 'old-refresh-token')],
        }),
        containers: [end('soak-0001', 'u1', 'healthy')],
        breaks: [{ alias: 'soak-0001', userId: 'u1', how: 'rotate', atMs: T0 + 20_000 }],
      }),
    ).refreshTokensLostByUs;

    expect(result).toMatchObject({ count: 1, oldTokenPresented: 2, explainedByRotateBreaks: 1, lostInTransit: 0 });
    expect(result.details[0]).toMatchObject({ alias: 'soak-0001', atMs: T0 + 50_000 });
    expect(result.details[0]?.recentCalls.map((c) => c.outcome)).toEqual(['ok', 'old-refresh-token']);
  });

  it('without grace, does not blame us for a successor whose answer never reached us', () => {
    const calls = [
      call('lost', 10, 'ok', true),
      call('lost', 25, 'old-refresh-token'),
      call('ours', 10, 'ok'),
      call('ours', 25, 'old-refresh-token'),
    ];
    const result = measure(
      input({
        grace: false,
        counters: counters({ tokenCalls: calls }),
        containers: [
          end('soak-0001', 'lost', 'healthy'),
          end('soak-0002', 'ours', 'healthy', { storedAtMs: [T0 + 10_050] }),
        ],
      }),
    ).refreshTokensLostByUs;

    expect(result).toMatchObject({ count: 1, oldTokenPresented: 2, lostInTransit: 1 });
    expect(result.details.map((d) => d.alias)).toEqual(['soak-0002']);
  });

  it('counts too-early refusals and access tokens of one chain issued closer than the rule', () => {
    const result = measure(
      input({
        counters: counters({
          tokenCalls: [call('u1', 5, 'too-early')],
          chains: [chain('u1', 0, [0, 11.5, 20, 40])],
        }),
        containers: [end('soak-0001', 'u1', 'healthy')],
      }),
    ).refreshesEarlierThanRule;

    expect(result).toMatchObject({ count: 2, tooEarlyRefusals: 1, issueGapsBelowRule: 1 });
    expect(result.details.find((d) => d.kind === 'gap')?.gapMs).toBe(8500);
  });

  it('takes the worst error count of one user and endpoint in any scaled hour, and shows the app-wide one beside it', () => {
    const error = (subject: string, atS: number): ErrorRecord => ({
      atMs: T0 + atS * 1000,
      endpoint: 'token',
      status: 400,
      clientId: 'app',
      subject,
    });
    const result = measure(
      input({
        counters: counters({
          errors: [
            error('u1', 0),
            error('u1', 30),
            error('u1', 71),
            error('u1', 200),
            error('u2', 10),
            error('u2', 20),
          ],
        }),
        containers: [end('soak-0001', 'u1', 'healthy'), end('soak-0002', 'u2', 'healthy')],
      }),
    ).worstErrorsPerEndpointPerHour;

    expect(result.count).toBe(3);
    expect(result.windowS).toBeCloseTo(72);
    expect(result.perEndpoint.token).toMatchObject({ worstPerUser: 3, worstAlias: 'soak-0001', appWide: 5, total: 6 });
    expect(result.perEndpoint.me).toMatchObject({ worstPerUser: 0, total: 0 });
  });

  it('counts a broken chain as recovered only when healthy on a new chain that still refreshes after the storm', () => {
    const result = measure(
      input({
        counters: counters({
          tokenCalls: [call('healed', 110, 'invalid-chain'), call('stuck', 110, 'refresh-token-expired')],
          chains: [
            chain('healed', 0, [0, 12, 100], false),
            chain('healed', 130, [130, 590, 605]),
            chain('stuck', 0, [0, 12, 100]),
            chain('fine', 0, [0, 300, 610]),
          ],
        }),
        containers: [
          end('soak-0001', 'healed', 'healthy'),
          end('soak-0002', 'stuck', 'needs-reauth'),
          end('soak-0003', 'fine', 'healthy'),
        ],
        breaks: [{ alias: 'soak-0001', userId: 'healed', how: 'invalidate', atMs: T0 + 105_000 }],
      }),
    );

    expect(result.chainsNotRecovered).toMatchObject({ count: 1, broken: 2 });
    expect(result.chainsNotRecovered.details[0]).toMatchObject({ alias: 'soak-0002', finalStatus: 'needs-reauth' });
    expect(result.containersNeedingHuman.count).toBe(1);
    expect(result.notHealthyAtEnd.map((c) => c.alias)).toEqual(['soak-0002']);
  });

  it('does not count a healthy container whose token /Me refused as recovered', () => {
    const result = measure(
      input({
        counters: counters({ tokenCalls: [call('u1', 50, 'old-refresh-token')], chains: [chain('u1', 60, [60, 605])] }),
        containers: [end('soak-0001', 'u1', 'healthy', { tokenAccepted: false })],
      }),
    );
    expect(result.chainsNotRecovered.count).toBe(1);
    expect(result.notHealthyAtEnd[0]).toMatchObject({ alias: 'soak-0001', tokenAccepted: false });
  });
});
