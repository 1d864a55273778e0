import type { OrgKeyRing } from '../src/crypto/keys';
import type { Logger } from '../src/log';
import type { Vault } from '../src/vault/vault';
import { deleteCredentials, storeCredentials, type StoreCredentialsRequest } from './credentials';
import type { ExactGateway } from './exact-gateway';
import { recoverChain, type RecoveryResult, type RecoverySettings } from './recover-chain';
import { refreshChain } from './refresh-chain';
import { toSnapshot } from './snapshot';
import { adoptRefreshToken, exchangeCode } from './start-chain';
import type {
  AdoptRefreshTokenRequest,
  AuditRequest,
  ChainSnapshot,
  ExchangeCodeRequest,
  RefreshRequest,
  RefreshResult,
} from './types';
import type { RecoveryInput } from '../workflows/container/types';

/** What the activities need from the worker. */
export interface ActivityDeps {
  vault: Vault;
  exact: ExactGateway;
  log: Logger;
  /** Epoch ms; tests pass the simulator's clock. @default Date.now */
  now?: () => number;
  /** Organization keys (private part) to check and open sealed credentials. @default none: recovery is off */
  keys?: OrgKeyRing;
  /** Browser-login settings for recovery. @default Debian's chromium, no screenshots */
  recovery?: RecoverySettings;
}

/** The activities, as thin adapters from Temporal to src/ (the samples' dependency-injection pattern). */
export function createActivities(deps: ActivityDeps) {
  const ctx = { ...deps, now: deps.now ?? Date.now };
  return {
    refreshChain: (request: RefreshRequest): Promise<RefreshResult> => refreshChain(ctx, request),
    exchangeCode: (request: ExchangeCodeRequest): Promise<ChainSnapshot> => exchangeCode(ctx, request),
    adoptRefreshToken: (request: AdoptRefreshTokenRequest): Promise<ChainSnapshot> => adoptRefreshToken(ctx, request),
    async loadChain({ alias }: { alias: string }): Promise<ChainSnapshot | null> {
      const record = await ctx.vault.readChain(alias);
      return record ? toSnapshot(record) : null;
    },
    storeCredentials: (request: StoreCredentialsRequest): Promise<void> => storeCredentials(ctx, request),
    deleteCredentials: (request: { alias: string; reason: string }): Promise<boolean> =>
      deleteCredentials(ctx, request),
    recoverChain: (input: RecoveryInput): Promise<RecoveryResult> => recoverChain(ctx, input),
    async recordAudit({ alias, kind, detail }: AuditRequest): Promise<void> {
      await ctx.vault.appendAudit(alias, { kind, at: new Date(ctx.now()), detail });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
