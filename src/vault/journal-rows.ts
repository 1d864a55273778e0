import { SealedBoxError, type TokenSealer } from '../crypto/seal';
import { VaultError } from './errors';
import type { ChainRecord, ChainVersion, ExactIdentity, TokenWrite } from './vault';

/** A token journal row as both databases keep it: tokens only as sealed boxes. */
export interface JournalRow {
  alias: string;
  chain: number;
  generation: number;
  keyId: string;
  refreshTokenBox: string;
  accessTokenBox: string | null;
  accessTokenIssuedAt: Date | null;
  accessTokenExpiresAt: Date | null;
  updatedAt: Date;
}

/** The identity columns of a journal row as read (all null until `/Me` was recorded). */
export interface IdentityColumns {
  exactScope: string | null;
  exactUserId: string | null;
  exactUserName: string | null;
  exactDivision: number | null;
  identityChain: number | null;
  identityAt: Date | null;
}

/** The recorded identity, when there is one. */
export function identityOf(columns: IdentityColumns): ExactIdentity | undefined {
  const { exactScope, exactUserId, identityChain, identityAt } = columns;
  if (exactScope === null || exactUserId === null || identityChain === null || identityAt === null) return undefined;
  const identity: ExactIdentity = {
    scope: exactScope,
    userId: exactUserId,
    chain: Number(identityChain),
    recordedAt: identityAt,
  };
  if (columns.exactUserName !== null) identity.userName = columns.exactUserName;
  if (columns.exactDivision !== null) identity.division = Number(columns.exactDivision);
  return identity;
}

/** Seals a new pair for storage; the plaintext tokens go no further than this function. */
export function sealJournalRow(
  sealer: TokenSealer,
  alias: string,
  version: ChainVersion,
  write: TokenWrite,
  updatedAt: Date,
): JournalRow {
  const refresh = sealer.seal(write.refreshToken);
  return {
    alias,
    chain: version.chain,
    generation: version.generation,
    keyId: refresh.keyId,
    refreshTokenBox: refresh.box,
    accessTokenBox: write.accessToken === undefined ? null : sealer.seal(write.accessToken).box,
    accessTokenIssuedAt: write.accessTokenIssuedAt ?? null,
    accessTokenExpiresAt: write.accessTokenExpiresAt ?? null,
    updatedAt,
  };
}

/** The record a successful write stored, built from what was written (no need to open the boxes again). */
export function writtenRecord(row: JournalRow, write: TokenWrite): ChainRecord {
  return toRecord(row, write.refreshToken, write.accessToken);
}

export function openJournalRow(sealer: TokenSealer, row: JournalRow & Partial<IdentityColumns>): ChainRecord {
  try {
    const refreshToken = sealer.open({ keyId: row.keyId, box: row.refreshTokenBox });
    const accessToken =
      row.accessTokenBox === null ? undefined : sealer.open({ keyId: row.keyId, box: row.accessTokenBox });
    const record = toRecord(row, refreshToken, accessToken);
    const identity = row.exactScope === undefined ? undefined : identityOf(row as IdentityColumns);
    if (identity) record.identity = identity;
    return record;
  } catch (error) {
    if (!(error instanceof SealedBoxError)) throw error;
    throw new VaultError(
      'unreadable-row',
      `The stored tokens of container "${row.alias}" (chain ${row.chain}, generation ${row.generation}) cannot be opened: ${error.message}`,
      { cause: error },
    );
  }
}

function toRecord(row: JournalRow, refreshToken: string, accessToken: string | undefined): ChainRecord {
  const record: ChainRecord = {
    alias: row.alias,
    chain: row.chain,
    generation: row.generation,
    refreshToken,
    updatedAt: row.updatedAt,
  };
  if (accessToken !== undefined) record.accessToken = accessToken;
  if (row.accessTokenIssuedAt !== null) record.accessTokenIssuedAt = row.accessTokenIssuedAt;
  if (row.accessTokenExpiresAt !== null) record.accessTokenExpiresAt = row.accessTokenExpiresAt;
  return record;
}
