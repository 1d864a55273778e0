import type { ConsumerPublicKey } from '../src/crypto/consumer-keys';
import type { OrgKeyRing } from '../src/crypto/keys';
import type { ContainerActivities } from '../contract/activities';
import { disabledWebhookNotifier, type WebhookNotifier } from '../src/notify/webhooks';
import { noopRefreshMetrics, type RefreshMetrics } from '../src/observability/metrics';
import type { Logger } from '../src/log';
import type { Vault } from '../src/vault/vault';
import { deleteCredentials, storeCredentials } from './credentials';
import type { ExactGateway } from './exact-gateway';
import { activityCancellation, whileHeartbeating } from './heartbeat';
import { hostSettings } from './host-settings';
import { LoginProgress } from './login-progress';
import { recoverChain, type RecoverySettings } from './recover-chain';
import { refreshChain } from './refresh-chain';
import { toSnapshot } from './snapshot';
import { adoptRefreshToken, exchangeCode } from './start-chain';

/** What the activities need from the worker. */
export interface ActivityDeps {
  vault: Vault;
  exact: ExactGateway;
  log: Logger;
  /** Epoch ms; tests pass the simulator's clock. @default Date.now */
  now?: () => number;
  /** Organization keys (private part) to check and open sealed credentials. @default none: recovery is off */
  keys?: OrgKeyRing;
  /** The consumer public key: every access token leaves the activities sealed to it, never in plaintext. */
  consumerKey: ConsumerPublicKey;
  /** Browser-login settings for recovery. @default Debian's chromium, no screenshots */
  recovery?: RecoverySettings;
  /** Where refresh outcomes, token calls and recoveries are counted. @default not counted */
  metrics?: RefreshMetrics;
  /** Signed webhook notifications. @default off */
  notifier?: WebhookNotifier;
  /**
   * Whether container `alias` still runs (its workflow is open): one that does not keeps no claim to its Exact
   * user, so another container may take that user. @default every container counts as running
   */
  containerRunning?: (alias: string) => Promise<boolean>;
}

/** Runs `work` and reports how it ended: "ok" or the failure type it threw. */
async function counted<T extends { tokenCallMade?: boolean }>(
  metrics: RefreshMetrics,
  work: () => Promise<T>,
): Promise<T> {
  try {
    const result = await work();
    metrics.refreshOutcome('ok');
    if (result.tokenCallMade) metrics.tokenCall();
    return result;
  } catch (error) {
    const failure = error as { type?: string; details?: { tokenCallMade?: boolean }[] };
    metrics.refreshOutcome(failure.type ?? 'other');
    if (failure.details?.[0]?.tokenCallMade) metrics.tokenCall();
    throw error;
  }
}

/**
 * The activities, as thin adapters from Temporal to src/ (the samples' dependency-injection pattern). Their
 * shape is the contract's, which is all the workflows see of them.
 */
export function createActivities(deps: ActivityDeps): ContainerActivities {
  const ctx = { ...deps, now: deps.now ?? Date.now };
  const metrics = deps.metrics ?? noopRefreshMetrics;
  const notifier = deps.notifier ?? disabledWebhookNotifier;
  return {
    refreshChain: (request) =>
      counted(metrics, () => refreshChain({ ...ctx, signal: activityCancellation() }, request)),
    exchangeCode: (request) => exchangeCode(ctx, request),
    hostSettings: (request) => Promise.resolve(hostSettings(ctx.exact, request)),
    adoptRefreshToken: (request) => adoptRefreshToken(ctx, request),
    async loadChain({ alias }) {
      const record = await ctx.vault.readChain(alias);
      return record ? toSnapshot(record, ctx.consumerKey) : null;
    },
    storeCredentials: (request) => storeCredentials(ctx, request),
    deleteCredentials: (request) => deleteCredentials(ctx, request),
    async recoverChain(input) {
      try {
        // A login takes seconds to minutes: heartbeats let a dead worker's recovery be retried soon, and carry
        // its progress (steps passed, a submit awaiting its next page).
        let beat = (): void => undefined;
        const progress = new LoginProgress(() => beat());
        const result = await whileHeartbeating(
          (send) => {
            beat = send;
            return recoverChain(ctx, input, progress);
          },
          () => progress.details(),
        );
        metrics.recovery('succeeded');
        metrics.tokenCall();
        return result;
      } catch (error) {
        metrics.recovery('failed');
        throw error;
      }
    },
    notify: (event) => notifier.notify(event),
    async recordAudit({ alias, kind, detail }) {
      await ctx.vault.appendAudit(alias, { kind, at: new Date(ctx.now()), detail });
    },
  };
}

export type Activities = ContainerActivities;
