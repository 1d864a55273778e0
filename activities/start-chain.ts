import { openRefreshToken, RefreshTokenError } from '../src/credentials/refresh-token';
import type { OrgKeyRing } from '../src/crypto/keys';
import type { Vault } from '../src/vault/vault';
import type { RefreshDeps } from './refresh-chain';
import { FAILURE_TYPES } from '../contract/failures';
import { chainkeeperFailure, exactFailure } from './failures';
import { identifyChain } from './exact-identity';
import { refuseUnknownHost } from './host-guard';
import { toSnapshot } from './snapshot';
import type { AdoptRefreshTokenRequest, ChainSnapshot, ExchangeCodeRequest } from '../contract/activities';

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
  refuseUnknownHost(deps.exact, request.alias, request.exact);
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
  // Enrollment and every recovery: whose chain is it? A second container for the same user and app is refused.
  const identity = await identifyChain(deps, request.alias, request.exact, record, me);
  await deps.vault.appendAudit(request.alias, {
    kind: record.chain === 1 ? 'enrolled' : 'renewed',
    at: new Date(receivedAt),
    detail: `new chain from an authorization code${me.kind === 'ok' ? '' : `; /Me failed (${me.kind})`}`,
    chain: record.chain,
    generation: record.generation,
  });
  deps.log.info({ alias: request.alias, chain: record.chain }, 'new chain from an authorization code');
  return toSnapshot({ ...record, identity }, deps.consumerKey);
}

export interface AdoptDeps extends RefreshDeps {
  /** The organization keys that open a refresh token sealed by the CLI. @default none: sealed tokens are refused */
  keys?: OrgKeyRing;
}

/** The refresh token of a request, opened here and nowhere else. */
function refreshTokenOf(deps: AdoptDeps, request: AdoptRefreshTokenRequest): string {
  // Scheduled by a workflow task of a worker before sealing: the plaintext is in history already.
  if ('refreshToken' in request) return request.refreshToken;
  if (!deps.keys) {
    throw chainkeeperFailure(
      FAILURE_TYPES.invalidInput,
      'this worker has no organization key, so it cannot open a sealed refresh token.',
    );
  }
  try {
    return openRefreshToken(deps.keys, request.sealed);
  } catch (error) {
    if (!(error instanceof RefreshTokenError)) throw error;
    throw chainkeeperFailure(FAILURE_TYPES.invalidInput, `renewAuthorization refused: ${error.message}`);
  }
}

/**
 * A refresh token obtained by hand (sealed to the organization key by the CLI) → generation 1 of a new chain,
 * without calling Exact: it will be refreshed once Exact's 570 s rule allows, which is when we learn whether it
 * is alive.
 */
export async function adoptRefreshToken(deps: AdoptDeps, request: AdoptRefreshTokenRequest): Promise<ChainSnapshot> {
  const refreshToken = refreshTokenOf(deps, request);
  const record = await startChain(deps.vault, request.alias, { refreshToken });
  await deps.vault.appendAudit(request.alias, {
    kind: record.chain === 1 ? 'enrolled' : 'renewed',
    at: new Date(deps.now()),
    detail: 'new chain from a refresh token entered by an admin',
    chain: record.chain,
    generation: record.generation,
  });
  deps.log.info({ alias: request.alias, chain: record.chain }, 'new chain from a refresh token');
  return toSnapshot(record, deps.consumerKey);
}
