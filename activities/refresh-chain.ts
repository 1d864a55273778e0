import type { ConsumerPublicKey } from '../src/crypto/consumer-keys';
import type { Logger } from '../src/log';
import { VaultError } from '../src/vault/errors';
import type { AuditEvent, ChainRecord, ChainVersion, TokenWrite, Vault } from '../src/vault/vault';
import type { ExactGateway } from './exact-gateway';
import { FAILURE_TYPES } from '../contract/failures';
import { chainkeeperFailure, exactFailure } from './failures';
import { identifyChain } from './exact-identity';
import { refuseUnknownHost } from './host-guard';
import { toSnapshot } from './snapshot';
import type { RefreshRequest, RefreshResult } from '../contract/activities';

export interface RefreshDeps {
  vault: Vault;
  exact: ExactGateway;
  now: () => number;
  log: Logger;
  /** Access tokens leave the activity sealed to this key: only consumers open them. */
  consumerKey: ConsumerPublicKey;
  /** The activity's cancellation: a call to Exact ends with its activity. @default none */
  signal?: AbortSignal;
  /**
   * Whether container `alias` still runs: a container that does not keeps no claim to its Exact user.
   * @default every container counts as running
   */
  containerRunning?: (alias: string) => Promise<boolean>;
}

/** A store that cannot keep the new pair must not let us spend the old one: nothing is sent to Exact. */
async function probeStore(deps: RefreshDeps, alias: string): Promise<void> {
  try {
    await deps.vault.probeWrite(alias);
  } catch (error) {
    const reason = error instanceof VaultError ? error.message : 'the store did not answer';
    deps.log.warn({ alias, problem: error instanceof VaultError ? error.problem : 'unknown' }, 'store refuses writes');
    throw chainkeeperFailure(FAILURE_TYPES.storeUnavailable, `not refreshing ${alias}: ${reason}`, {
      tokenCallMade: false,
    });
  }
}

/**
 * Writes generation n+1 after Exact answered. Any failure here leaves a rotated chain we could not keep: the
 * answer counts as lost, so the retry waits out the 570 s rule and reads the journal first.
 */
async function storeNextPair(deps: RefreshDeps, alias: string, expected: ChainVersion, next: TokenWrite) {
  let written;
  try {
    written = await deps.vault.writeNextGeneration(alias, expected, next);
  } catch (error) {
    deps.log.error({ alias, problem: error instanceof VaultError ? error.problem : 'unknown' }, 'journal write failed');
    throw chainkeeperFailure(FAILURE_TYPES.transient, `the new pair of ${alias} could not be stored.`, {
      tokenCallMade: true,
      answerMayBeLost: true,
    });
  }
  if (!written.written) {
    // Two writers on one chain: impossible with one workflow per container, so say so loudly.
    deps.log.error({ alias }, 'journal changed during a refresh; the next attempt reads it again');
    throw chainkeeperFailure(FAILURE_TYPES.transient, `the journal of ${alias} changed during the refresh.`, {
      tokenCallMade: true,
      answerMayBeLost: true,
    });
  }
  return written;
}

/** "Old refresh token used" right after our own call's answer was lost: we rotated it, the new pair is gone. */
function rotatedButLost(alias: string) {
  return chainkeeperFailure(
    FAILURE_TYPES.chainBroken,
    `the chain of ${alias} was rotated by our own refresh whose answer never arrived (rotated but lost, not another ` +
      'client): it needs a new authorization.',
    { tokenCallMade: true, chainBreak: 'rotated-but-lost', status: 400 },
  );
}

/** An audit line that cannot be written must not hide the failure it reports. */
async function auditQuietly(deps: RefreshDeps, alias: string, event: AuditEvent): Promise<void> {
  await deps.vault.appendAudit(alias, event).catch(() => deps.log.warn({ alias }, 'audit line not written'));
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
  refuseUnknownHost(deps.exact, alias, request.exact);
  const stored = await deps.vault.readChain(alias);
  if (!stored) {
    throw chainkeeperFailure(FAILURE_TYPES.notEnrolled, `container ${alias} has no chain in the journal.`, {
      tokenCallMade: false,
    });
  }
  if (isNewer(stored, expected)) {
    deps.log.info({ alias, chain: stored.chain, generation: stored.generation }, 'refresh already in the journal');
    return { ...toSnapshot(stored, deps.consumerKey), fromJournal: true, activated: false, tokenCallMade: false };
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
  // A lost answer counts as an issue: Exact may have handed out a token then that we never stored.
  const lastIssue = Math.max(issuedAt ?? 0, request.lostAnswerAtMs ?? 0);
  const earliest = lastIssue === 0 ? 0 : lastIssue + request.minRefreshIntervalS * 1000;
  if (deps.now() < earliest) {
    const waitS = Math.ceil((earliest - deps.now()) / 1000);
    throw chainkeeperFailure(
      FAILURE_TYPES.tooEarly,
      `not refreshing: Exact allows a new access token ${request.minRefreshIntervalS} s after the previous one; ${waitS} s to go.`,
      { retryAfterS: waitS, tokenCallMade: false },
    );
  }

  await probeStore(deps, alias);
  const outcome = await deps.exact.refresh(request.exact, stored.refreshToken, { signal: deps.signal });
  if (outcome.kind !== 'ok') {
    // Before calling a chain broken, look again: another worker may have rotated it in the meantime.
    const again = outcome.kind === 'chain-broken' ? await deps.vault.readChain(alias) : undefined;
    if (again && isNewer(again, expected)) {
      deps.log.info({ alias, chain: again.chain, generation: again.generation }, 'rotated by another attempt');
      return { ...toSnapshot(again, deps.consumerKey), fromJournal: true, activated: false, tokenCallMade: true };
    }
    const lostOwn =
      outcome.kind === 'chain-broken' &&
      outcome.chainBreak === 'old-refresh-token' &&
      request.lostAnswerAtMs !== undefined;
    const failure = lostOwn ? rotatedButLost(alias) : exactFailure(outcome, true);
    await auditQuietly(deps, alias, {
      kind: outcome.kind === 'chain-broken' ? 'chain-broken' : 'retried',
      at: new Date(deps.now()),
      detail: lostOwn
        ? 'rotated but lost: our own earlier refresh rotated the chain and its answer never arrived'
        : failure.message,
      chain: stored.chain,
      generation: stored.generation,
    });
    deps.log.warn({ alias, outcome: outcome.kind, failureType: failure.type, lostOwn }, 'refresh failed');
    throw failure;
  }

  const receivedAt = deps.now();
  const written = await storeNextPair(deps, alias, expected, {
    refreshToken: outcome.value.refreshToken,
    accessToken: outcome.value.accessToken,
    accessTokenIssuedAt: new Date(receivedAt),
    accessTokenExpiresAt: new Date(receivedAt + outcome.value.expiresInS * 1000),
  });
  const record = written.record;
  const me = await deps.exact.getMe(request.exact, outcome.value.accessToken, { signal: deps.signal });
  const activated = me.kind === 'ok';
  // A chain adopted from a hand-made refresh token learns its user at its first refresh (enrollment and recovery
  // record it at the code exchange); an identified chain keeps its identity for every generation.
  const identity =
    stored.identity?.chain === record.chain
      ? stored.identity
      : await identifyChain(deps, alias, request.exact, record, me);
  await deps.vault.appendAudit(alias, {
    kind: 'refreshed',
    at: new Date(receivedAt),
    detail: activated ? undefined : `new pair stored; the /Me call failed (${me.kind}), it activates on next use`,
    chain: record.chain,
    generation: record.generation,
  });
  deps.log.info({ alias, chain: record.chain, generation: record.generation, activated }, 'refreshed');
  return {
    ...toSnapshot({ ...record, identity }, deps.consumerKey),
    fromJournal: false,
    activated,
    tokenCallMade: true,
  };
}
