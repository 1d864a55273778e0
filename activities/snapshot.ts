import { sealAccessToken, type ConsumerPublicKey } from '../src/crypto/consumer-keys';
import type { ChainRecord } from '../src/vault/vault';
import type { ChainSnapshot } from '../contract/activities';

/**
 * What the workflow keeps of a journal record. The access token is sealed to the consumer public key here, the
 * one way a token leaves an activity, so no activity result (and so no history, state or query) holds it plain.
 */
export function toSnapshot(record: ChainRecord, consumerKey: ConsumerPublicKey): ChainSnapshot {
  const snapshot: ChainSnapshot = {
    chain: record.chain,
    generation: record.generation,
    sealedAccessToken: record.accessToken === undefined ? undefined : sealAccessToken(consumerKey, record.accessToken),
    accessTokenIssuedAtMs: record.accessTokenIssuedAt?.getTime(),
    accessTokenExpiresAtMs: record.accessTokenExpiresAt?.getTime(),
  };
  // The identity of an earlier chain says nothing about this one (a renewal may be another user's).
  const identity = record.identity?.chain === record.chain ? record.identity : undefined;
  if (identity) {
    snapshot.exactUser = { userId: identity.userId, userName: identity.userName, division: identity.division };
  }
  return snapshot;
}
