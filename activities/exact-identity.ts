import type { ExactOutcome } from '../src/exact/outcomes';
import type { ChainRecord, ExactIdentity } from '../src/vault/vault';
import type { ExactTarget } from '../contract/container';
import type { MeSummary } from './exact-gateway';
import { FAILURE_TYPES } from '../contract/failures';
import { chainkeeperFailure } from './failures';
import type { RefreshDeps } from './refresh-chain';

/** Holders found not running are passed over this many times before the claim is decided. */
const MAX_PASS_OVERS = 3;

/**
 * Records who a new chain belongs to, from the `/Me` answer that activated it, and refuses a second container
 * for the same Exact user and app: Exact keeps one chain per app and user, so two containers would end each
 * other's chain at every new authorization (each recovery of one breaks the other). The first container to
 * record the user keeps it, unless it no longer runs. Returns the identity recorded, or undefined when `/Me`
 * did not answer (the next one that does records it); throws a `DuplicateExactUserError` naming the first.
 */
export async function identifyChain(
  deps: RefreshDeps,
  alias: string,
  target: ExactTarget,
  record: ChainRecord,
  me: ExactOutcome<MeSummary>,
): Promise<ExactIdentity | undefined> {
  const scope = deps.exact.identityScope(target);
  if (me.kind !== 'ok' || scope === undefined) return undefined;
  const identity: ExactIdentity = {
    scope,
    userId: me.value.userId,
    chain: record.chain,
    recordedAt: new Date(deps.now()),
  };
  if (me.value.userName !== undefined) identity.userName = me.value.userName;
  if (me.value.currentDivision !== undefined) identity.division = me.value.currentDivision;
  const passOver: string[] = [];
  for (;;) {
    const claim = await deps.vault.recordIdentity(alias, identity, passOver);
    if (claim.outcome !== 'held') return claim.outcome === 'recorded' ? identity : undefined;
    const running = deps.containerRunning ? await deps.containerRunning(claim.heldBy) : true;
    if (!running && passOver.length < MAX_PASS_OVERS) {
      passOver.push(claim.heldBy);
      continue;
    }
    throw await duplicate(deps, alias, target, identity, claim.heldBy);
  }
}

async function duplicate(
  deps: RefreshDeps,
  alias: string,
  target: ExactTarget,
  identity: ExactIdentity,
  heldBy: string,
) {
  const user = identity.userName ? `"${identity.userName}"` : identity.userId;
  const message =
    `the chain of ${alias} belongs to Exact user ${user} of app "${target.app}", whose chain container ${heldBy} ` +
    `already keeps: Exact keeps one chain per app and user, so each new authorization of one container would end ` +
    `the other's. ${alias} stopped: authorize it with its own Exact user (\`renewAuthorization\`), or terminate ` +
    `${heldBy} and authorize ${alias} again.`;
  await deps.vault
    .appendAudit(alias, { kind: 'duplicate-user', at: new Date(deps.now()), detail: message, chain: identity.chain })
    .catch(() => deps.log.warn({ alias }, 'audit line not written'));
  deps.log.warn({ alias, heldBy, chain: identity.chain }, 'refused: another container keeps this Exact user');
  return chainkeeperFailure(FAILURE_TYPES.duplicateUser, message, { tokenCallMade: true, duplicateOf: heldBy });
}
