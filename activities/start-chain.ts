import type { Vault } from '../src/vault/vault';
import type { RefreshDeps } from './refresh-chain';
import { chainkeeperFailure, exactFailure, FAILURE_TYPES } from './failures';
import { toSnapshot } from './snapshot';
import type { AdoptRefreshTokenRequest, ChainSnapshot, ExchangeCodeRequest } from './types';

/** Starts the next chain over whatever the journal holds; a renewal supersedes the old chain by design. */
async function startChain(vault: Vault, alias: string, first: Parameters<Vault['startChain']>[2]) {
  const current = await vault.readChain(alias);
  const expected = current ? { chain: current.chain, generation: current.generation } : undefined;
  const result = await vault.startChain(alias, expected, first);
  if (!result.written) {
    throw chainkeeperFailure(FAILURE_TYPES.transient, `the journal of ${alias} changed while starting a new chain.`);
  }
  return result.record;
}

/** An authorization code → generation 1 of a new chain, activated with one `/Me` call. */
export async function exchangeCode(deps: RefreshDeps, request: ExchangeCodeRequest): Promise<ChainSnapshot> {
  const outcome = await deps.exact.exchangeCode(request.exact, request.code);
  if (outcome.kind !== 'ok') {
    const failure = exactFailure(outcome, true);
    deps.log.warn({ alias: request.alias, outcome: outcome.kind }, 'authorization code refused');
    throw failure;
  }
  const receivedAt = deps.now();
  const record = await startChain(deps.vault, request.alias, {
    refreshToken: outcome.value.refreshToken,
    accessToken: outcome.value.accessToken,
    accessTokenIssuedAt: new Date(receivedAt),
    accessTokenExpiresAt: new Date(receivedAt + outcome.value.expiresInS * 1000),
  });
  const me = await deps.exact.getMe(request.exact, outcome.value.accessToken);
  await deps.vault.appendAudit(request.alias, {
    kind: record.chain === 1 ? 'enrolled' : 'renewed',
    at: new Date(receivedAt),
    detail: `new chain from an authorization code${me.kind === 'ok' ? '' : `; /Me failed (${me.kind})`}`,
    chain: record.chain,
    generation: record.generation,
  });
  deps.log.info({ alias: request.alias, chain: record.chain }, 'new chain from an authorization code');
  return toSnapshot(record);
}

/**
 * A refresh token obtained by hand → generation 1 of a new chain, without calling Exact: it will be refreshed
 * once Exact's 570 s rule allows, which is when we learn whether it is alive.
 */
export async function adoptRefreshToken(deps: RefreshDeps, request: AdoptRefreshTokenRequest): Promise<ChainSnapshot> {
  const record = await startChain(deps.vault, request.alias, { refreshToken: request.refreshToken });
  await deps.vault.appendAudit(request.alias, {
    kind: record.chain === 1 ? 'enrolled' : 'renewed',
    at: new Date(deps.now()),
    detail: 'new chain from a refresh token entered by an admin',
    chain: record.chain,
    generation: record.generation,
  });
  deps.log.info({ alias: request.alias, chain: record.chain }, 'new chain from a refresh token');
  return toSnapshot(record);
}
