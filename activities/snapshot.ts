import type { ChainRecord } from '../src/vault/vault';
import type { ChainSnapshot } from './types';

/** What the workflow keeps of a journal record. */
export function toSnapshot(record: ChainRecord): ChainSnapshot {
  return {
    chain: record.chain,
    generation: record.generation,
    accessToken: record.accessToken,
    accessTokenIssuedAtMs: record.accessTokenIssuedAt?.getTime(),
    accessTokenExpiresAtMs: record.accessTokenExpiresAt?.getTime(),
  };
}
