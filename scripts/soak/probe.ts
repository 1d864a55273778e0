import type { Client, Connection } from '@temporalio/client';
import { openAccessToken } from '../../src/crypto/consumer-keys';
import type { OrgKeyRing } from '../../src/crypto/keys';
import { MAX_AUDIT_LIMIT } from '../../src/vault/input-checks';
import type { Vault } from '../../src/vault/vault';
import { accessTokenQuery, statusQuery } from '../../workflows/container/messages';
import type { ContainerStatus } from '../../workflows/container/types';
import type { SoakContainer } from './fleet';
import type { ContainerEnd } from './measure';
import { mapPool } from './pool';

/** A query waits for a worker to answer; while none runs it would hang, so every query has a deadline. */
const QUERY_DEADLINE_MS = 10_000;

export interface Probe {
  client: Client;
  connection: Connection;
  /** The consumer key pair: the soak reads tokens as a consumer does, opening the sealed answer. */
  consumerKeys: OrgKeyRing;
}

export async function queryStatus(probe: Probe, container: SoakContainer): Promise<ContainerStatus> {
  const handle = probe.client.workflow.getHandle(container.workflowId);
  return probe.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery));
}

export async function statusesOf(
  probe: Probe,
  containers: SoakContainer[],
): Promise<Map<string, ContainerStatus | Error>> {
  const answers = await mapPool(containers, 10, (c) =>
    queryStatus(probe, c).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
  );
  return new Map(containers.map((c, i) => [c.alias, answers[i] as ContainerStatus | Error]));
}

/** A container in its ordinary cycle: healthy, or refreshing on schedule (not retrying), after `sinceMs`. */
function inCycle(status: ContainerStatus | Error | undefined, sinceMs: number): boolean {
  if (!status || status instanceof Error) return false;
  if (status.status !== 'healthy' && !(status.status === 'refreshing' && status.retryAttempt === 0)) return false;
  return status.lastRefreshAt !== undefined && Date.parse(status.lastRefreshAt) > sinceMs;
}

/**
 * Waits, at most `timeoutMs`, until every container is in its ordinary cycle and has refreshed after `sinceMs`
 * (the end of the storm): a container that only looks healthy but no longer refreshes does not count.
 */
export async function waitSettled(
  probe: Probe,
  containers: SoakContainer[],
  sinceMs: number,
  timeoutMs: number,
): Promise<{ settled: boolean; notYet: string[] }> {
  const deadline = Date.now() + timeoutMs;
  let notYet = containers.map((c) => c.alias);
  while (Date.now() < deadline) {
    const statuses = await statusesOf(probe, containers);
    notYet = containers.filter((c) => !inCycle(statuses.get(c.alias), sinceMs)).map((c) => c.alias);
    if (notYet.length === 0) return { settled: true, notYet };
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  return { settled: false, notYet };
}

/**
 * The status of a container at rest: a container caught in one of its regular refreshes (or a retry) is asked
 * again a few times within a cycle, so "refreshing" at the moment of asking is not mistaken for an end state.
 */
async function restingStatus(
  probe: Probe,
  container: SoakContainer,
  cycleMs: number,
): Promise<ContainerStatus | Error> {
  let last: ContainerStatus | Error = new Error('not asked');
  for (let attempt = 1; attempt <= 4; attempt++) {
    last = await queryStatus(probe, container).catch((error: unknown) =>
      error instanceof Error ? error : new Error(String(error)),
    );
    if (!(last instanceof Error) && !['refreshing', 'retrying', 'recovering'].includes(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, Math.max(250, cycleMs / 3)));
  }
  return last;
}

/**
 * Asks each container for its access token, as a consumer would, and presents it to /Me. A token that expires
 * within a second is asked for again after the next refresh (at compressed time a cycle can outlast a token).
 */
async function tokenAccepted(
  probe: Probe,
  container: SoakContainer,
  baseUrl: string,
  cycleMs: number,
): Promise<boolean> {
  const handle = probe.client.workflow.getHandle(container.workflowId);
  for (let attempt = 1; attempt <= 4; attempt++) {
    try {
      const answer = await probe.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
        handle.query(accessTokenQuery),
      );
      if (Date.parse(answer.expiresAt) - Date.now() > 1000) {
        const me = await fetch(`${baseUrl}/api/v1/current/Me`, {
          headers: {
            authorization: `Bearer ${openAccessToken(probe.consumerKeys, answer.sealedAccessToken)}`,
            accept: 'application/json',
          },
          signal: AbortSignal.timeout(10_000),
        });
        await me.arrayBuffer();
        if (me.status === 200) return true;
      }
    } catch {
      // No token right now (refreshing, recovering): the next attempt comes after the next refresh.
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(500, cycleMs / 2)));
  }
  return false;
}

const STORED_KINDS = new Set(['enrolled', 'refreshed', 'renewed', 'recovered']);

/** How each container ended: status at rest, whether its token works. */
export async function containerEnds(
  probe: Probe,
  containers: SoakContainer[],
  exact: { baseUrl: string; generationOf: (container: SoakContainer) => number | undefined },
  cycleMs: number,
): Promise<Omit<ContainerEnd, 'storedAtMs' | 'chainBrokenAtMs'>[]> {
  return mapPool(containers, 10, async (c) => {
    const before = exact.generationOf(c);
    const status = await restingStatus(probe, c, cycleMs);
    // Only when no refresh happened meanwhile does Exact's count compare with the journal's generation.
    const after = exact.generationOf(c);
    const ok = !(status instanceof Error);
    return {
      alias: c.alias,
      userId: c.userId,
      status: ok ? status : undefined,
      statusError: ok ? undefined : status.message,
      exactGeneration: before === after ? after : undefined,
      tokenAccepted:
        ok && status.status === 'healthy' ? await tokenAccepted(probe, c, exact.baseUrl, cycleMs) : undefined,
    };
  });
}

/**
 * From a container's audit trail (the store keeps only the newest pair): when the journal received each pair,
 * and when Exact refused the chain as broken.
 */
export async function auditFacts(
  vault: Vault,
  alias: string,
): Promise<Pick<ContainerEnd, 'storedAtMs' | 'chainBrokenAtMs' | 'auditTruncated'>> {
  const events = await vault.listAudit(alias, MAX_AUDIT_LIMIT);
  return {
    storedAtMs: events.filter((e) => STORED_KINDS.has(e.kind)).map((e) => e.at.getTime()),
    chainBrokenAtMs: events.filter((e) => e.kind === 'chain-broken').map((e) => e.at.getTime()),
    auditTruncated: events.length >= MAX_AUDIT_LIMIT,
  };
}
