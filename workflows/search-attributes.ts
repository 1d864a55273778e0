import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';

/*
 * The search attributes chainkeeper sets, so the Web UI can filter containers, e.g.
 * `ChainStatus="needs-reauth"` or `CredentialsExpireAt < "2026-12-01T00:00:00Z"`. They are not encrypted
 * by the payload codec, so they never hold a secret.
 * Written as literals (the shape `defineSearchAttributeKey` returns) so workflows/ imports only types here.
 */

/** The container's status: healthy, refreshing, retrying, recovering, needs-reauth or paused. */
export const CHAIN_STATUS: SearchAttributeKey<typeof SearchAttributeType.KEYWORD> = {
  name: 'ChainStatus',
  type: 'KEYWORD',
};

/** When the sealed login credentials of the container are deleted (absent when there are none). */
export const CREDENTIALS_EXPIRE_AT: SearchAttributeKey<typeof SearchAttributeType.DATETIME> = {
  name: 'CredentialsExpireAt',
  type: 'DATETIME',
};

/** Every search attribute, for registering them on a server. */
export const SEARCH_ATTRIBUTES = [CHAIN_STATUS, CREDENTIALS_EXPIRE_AT] as const;
