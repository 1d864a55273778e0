import type { Logger } from '../src/log';
import type { ChainRecord, Vault } from '../src/vault/vault';
import type { ExactGateway } from './exact-gateway';
import { chainkeeperFailure, exactFailure, FAILURE_TYPES } from './failures';
import { toSnapshot } from './snapshot';
import type { RefreshRequest, RefreshResult } from './types';

export interface RefreshDeps {
  vault: Vault;
  exact: ExactGateway;
  now: () => number;
  log: Logger;
}

const isNewer = (stored: ChainRecord, expected: { chain: number; generation: number }): boolean =>
  stored.chain > expected.chain || (stored.chain === expected.chain && stored.generation > expected.generation);

/**
 * One refresh of a container's chain, crash-safe: journal → token endpoint → journal (generation n+1, written
 * before anything else can fail) → one `/Me` call that puts the new refresh token in use. An attempt that finds
 * a newer generation in the journal returns it instead of spending the old refresh token again.
 */
export async function refreshChain(deps: RefreshDeps, request: RefreshRequest): Promise<RefreshResult> {
  const { alias, expected } = request;
  const stored = await deps.vault.readChain(alias);
  if (!stored) {
    throw chainkeeperFailure(FAILURE_TYPES.notEnrolled, `container ${alias} has no chain in the journal.`, {
      tokenCallMade: false,
    });
  }
  if (isNewer(stored, expected)) {
    deps.log.info({ alias, chain: stored.chain, generation: stored.generation }, 'refresh already in the journal');
    return { ...toSnapshot(stored), fromJournal: true, activated: false, tokenCallMade: false };
  }
  if (stored.chain !== expected.chain || stored.generation !== expected.generation) {
    // The journal is behind what the workflow saw: only a restored backup does that. Refreshing with the older
    // token would break the chain, so stop and tell a human.
    throw chainkeeperFailure(
      FAILURE_TYPES.invalidInput,
      `the journal holds chain ${stored.chain} generation ${stored.generation}, older than the workflow's ` +
        `${expected.chain}/${expected.generation} (restored from a backup?).`,
      { tokenCallMade: false },
    );
  }

  const issuedAt = stored.accessTokenIssuedAt?.getTime();
  const earliest = issuedAt === undefined ? 0 : issuedAt + request.minRefreshIntervalS * 1000;
  if (deps.now() < earliest) {
    const waitS = Math.ceil((earliest - deps.now()) / 1000);
    throw chainkeeperFailure(
      FAILURE_TYPES.tooEarly,
      `not refreshing: Exact allows a new access token ${request.minRefreshIntervalS} s after the previous one; ${waitS} s to go.`,
      { retryAfterS: waitS, tokenCallMade: false },
    );
  }

  const outcome = await deps.exact.refresh(request.exact, stored.refreshToken);
  if (outcome.kind !== 'ok') {
    const failure = exactFailure(outcome, true);
    await deps.vault.appendAudit(alias, {
      kind: outcome.kind === 'chain-broken' ? 'chain-broken' : 'retried',
      at: new Date(deps.now()),
      detail: failure.message,
      chain: stored.chain,
      generation: stored.generation,
    });
    deps.log.warn({ alias, outcome: outcome.kind, failureType: failure.type }, 'refresh failed');
    throw failure;
  }

  const receivedAt = deps.now();
  const written = await deps.vault.writeNextGeneration(alias, expected, {
    refreshToken: outcome.value.refreshToken,
    accessToken: outcome.value.accessToken,
    accessTokenIssuedAt: new Date(receivedAt),
    accessTokenExpiresAt: new Date(receivedAt + outcome.value.expiresInS * 1000),
  });
  if (!written.written) {
    // Two writers on one chain: impossible with one workflow per container, so say so loudly.
    deps.log.error({ alias }, 'journal changed during a refresh; the next attempt reads it again');
    throw chainkeeperFailure(FAILURE_TYPES.transient, `the journal of ${alias} changed during the refresh.`, {
      tokenCallMade: true,
    });
  }
  const record = written.record;
  const me = await deps.exact.getMe(request.exact, outcome.value.accessToken);
  const activated = me.kind === 'ok';
  await deps.vault.appendAudit(alias, {
    kind: 'refreshed',
    at: new Date(receivedAt),
    detail: activated ? undefined : `new pair stored; the /Me call failed (${me.kind}), it activates on next use`,
    chain: record.chain,
    generation: record.generation,
  });
  deps.log.info({ alias, chain: record.chain, generation: record.generation, activated }, 'refreshed');
  return { ...toSnapshot(record), fromJournal: false, activated, tokenCallMade: true };
}
