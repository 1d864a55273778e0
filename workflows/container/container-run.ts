import {
  condition,
  proxyActivities,
  setCurrentDetails,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { WebhookEvent } from '../../src/notify/webhooks';
import type { ChainSnapshot, LegacyChainSnapshot } from '../../activities/types';
import { CHAIN_STATUS, CREDENTIALS_EXPIRE_AT } from '../search-attributes';
import { renderDetails } from './details';
import type { ClassifiedFailure } from './failures';
import { dayIndex, nextRefreshAt, type ResolvedOptions } from './schedule';
import type { CarriedState, ChainStatus, ContainerInput, ContainerStatus, ExactUser } from './types';

/** The memo field `chainkeeper list` reads a container's Exact user from (encrypted like every payload). */
export const EXACT_USER_MEMO = 'exactUser';

function memoUser(user: ExactUser | undefined): string | undefined {
  return user === undefined ? undefined : JSON.stringify(user);
}

/** Notifications retry inside the activity; the workflow never waits on them. */
const { notify } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 1 },
});

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function freshState(): CarriedState {
  return {
    status: 'refreshing',
    paused: false,
    tokenCalls: { dayIndex: 0, count: 0 },
    refreshes: 0,
    failures: 0,
    runs: 0,
    recoveries: { dayIndex: 0, today: 0, total: 0 },
  };
}

/**
 * The state of one run of a data-container workflow and the few ways it changes, shared by the refresh loop,
 * the recovery and the credentials keeper. `state` is what continue-as-new carries (never a secret); the rest
 * lives for one run.
 */
export class ContainerRun {
  readonly alias: string;
  readonly state: CarriedState;
  /**
   * The current access token, sealed to the consumer key, and its times. `legacyPlaintext` marks one from a result
   * recorded before sealing: it counts as a token, so old histories replay to the same commands, but the plaintext
   * is dropped and never served.
   */
  token: (ChainSnapshot & { legacyPlaintext?: boolean }) | undefined;
  retryAttempt = 0;
  tooEarlyStreak = 0;
  /** When a token call's answer may have been lost; cleared by the next successful refresh. */
  lostAnswerAtMs: number | undefined;
  /** When set, the next attempt is a retry at this time rather than the regular schedule. */
  retryAtMs: number | undefined;
  /** Bumped by every message that changes what the loop should do, to cut its wait short. */
  wake = 0;
  /** A refresh, renewal or recovery is talking to Exact; the others wait, so a chain never rotates twice at once. */
  busy = false;
  /** The journal has been read; a renewal that arrives before must wait, or the read would overwrite it. */
  ready = false;
  private publishedStatus: string | undefined;
  private publishedExpiry: number | undefined;
  private publishedUser: string | undefined;

  constructor(
    readonly input: ContainerInput,
    /** Provisional until the worker has named its rules (start-settings.ts), then fixed for the run. */
    public options: ResolvedOptions,
    carried: CarriedState,
  ) {
    this.alias = input.alias;
    this.state = { ...carried, recoveries: carried.recoveries ?? freshState().recoveries };
    this.state.runs += 1;
    this.publishedStatus = workflowInfo().typedSearchAttributes.get(CHAIN_STATUS);
    this.publishedExpiry = workflowInfo().typedSearchAttributes.get(CREDENTIALS_EXPIRE_AT)?.getTime();
    this.publishedUser = memoUser(workflowInfo().memo?.[EXACT_USER_MEMO] as ExactUser | undefined);
  }

  nextAttemptAt(): number | undefined {
    const s = this.state;
    if (s.paused || s.status === 'needs-reauth') return undefined;
    return this.retryAtMs ?? nextRefreshAt(s.lastRefreshAtMs, this.options, s.refreshNowRequested ?? false);
  }

  tokenCallsToday(): number {
    const calls = this.state.tokenCalls;
    return calls.dayIndex === dayIndex(Date.now(), this.options) ? calls.count : 0;
  }

  snapshot(): ContainerStatus {
    const s = this.state;
    return {
      alias: this.alias,
      status: s.status,
      chain: s.chain,
      generation: s.generation,
      lastRefreshAt: iso(s.lastRefreshAtMs),
      nextRefreshAt: iso(this.nextAttemptAt()),
      accessTokenExpiresAt: iso(this.token?.accessTokenExpiresAtMs),
      lastError: s.lastError ? { ...s.lastError, at: new Date(s.lastError.atMs).toISOString() } : undefined,
      reauthReason: s.status === 'needs-reauth' ? s.reauthReason : undefined,
      exactUser: s.exactUser,
      duplicateOf: s.duplicateOf,
      credentials: s.credentials
        ? {
            expiresAt: new Date(s.credentials.expiresAtMs).toISOString(),
            rejected: s.credentials.rejected || s.credentials.suspect !== undefined,
            suspect: s.credentials.suspect?.reason,
          }
        : undefined,
      retryAttempt: this.retryAttempt,
      recoveries: s.recoveries.total,
      tokenCallsToday: this.tokenCallsToday(),
      refreshes: s.refreshes,
      failures: s.failures,
      runs: s.runs,
    };
  }

  /** Sets the status and shows it: the search attribute only when the standing changed, the details every time. */
  publish(status: ChainStatus = this.state.status): void {
    this.state.status = status;
    // The search attribute shows a chain's standing: a routine refresh of a healthy chain does not change it, and
    // upserting twice per cycle would double the Temporal actions each cycle costs.
    const standing = status === 'refreshing' && this.publishedStatus === 'healthy' ? 'healthy' : status;
    if (this.publishedStatus !== standing) {
      upsertSearchAttributes([{ key: CHAIN_STATUS, value: standing }]);
      this.publishedStatus = standing;
    }
    const expiry = this.state.credentials?.expiresAtMs;
    if (this.publishedExpiry !== expiry) {
      upsertSearchAttributes([{ key: CREDENTIALS_EXPIRE_AT, value: expiry === undefined ? null : new Date(expiry) }]);
      this.publishedExpiry = expiry;
    }
    // Only when it changes (enrollment, recovery): `chainkeeper list` reads it without querying each container.
    const user = memoUser(this.state.exactUser);
    if (user !== undefined && this.publishedUser !== user) {
      upsertMemo({ [EXACT_USER_MEMO]: this.state.exactUser });
      this.publishedUser = user;
    }
    setCurrentDetails(renderDetails(this.snapshot()));
  }

  /** Takes a chain version from the journal as the current one. */
  adopt(chain: LegacyChainSnapshot): void {
    const s = this.state;
    const { accessToken: plaintext, ...sealed } = chain;
    const present = sealed.sealedAccessToken !== undefined || Boolean(plaintext);
    this.token = present ? { ...sealed, legacyPlaintext: sealed.sealedAccessToken === undefined } : undefined;
    // A new chain may be another user's: its user is unknown until its first `/Me` says so.
    if (chain.exactUser) s.exactUser = chain.exactUser;
    else if (chain.chain !== s.chain) s.exactUser = undefined;
    s.chain = chain.chain;
    s.generation = chain.generation;
    s.chainLost = false;
    // A chain started from a hand-made refresh token has no access token yet; count as if one was just issued,
    // since the person who made it almost certainly received one with it.
    s.lastRefreshAtMs = chain.accessTokenIssuedAtMs ?? Date.now();
  }

  /** A healthy chain again: clear retries and the reason a human was needed. */
  settle(): void {
    this.state.reauthReason = undefined;
    this.state.duplicateOf = undefined;
    this.state.reauthNotified = false;
    this.state.refreshNowRequested = false;
    this.retryAttempt = 0;
    this.tooEarlyStreak = 0;
    this.retryAtMs = undefined;
    this.wake += 1;
    this.publish(this.state.paused ? 'paused' : this.token ? 'healthy' : 'refreshing');
  }

  needsReauth(reason: string): void {
    this.state.reauthReason = reason;
    this.retryAtMs = undefined;
    this.retryAttempt = 0;
    this.publish('needs-reauth');
  }

  /** Tells the webhook (if any) once per episode that a human is needed. */
  announceNeedsReauth(): void {
    if (this.state.reauthNotified || this.state.status !== 'needs-reauth') return;
    this.state.reauthNotified = true;
    this.notify({
      type: 'needs-reauth',
      alias: this.alias,
      reason: this.state.reauthReason ?? '',
      at: iso(Date.now())!,
    });
  }

  /** Fires a webhook notification without waiting for it. */
  notify(event: WebhookEvent): void {
    void notify(event).catch(() => undefined);
  }

  countTokenCall(made: boolean | undefined): void {
    if (made === false) return;
    const today = dayIndex(Date.now(), this.options);
    if (this.state.tokenCalls.dayIndex !== today) this.state.tokenCalls = { dayIndex: today, count: 0 };
    this.state.tokenCalls.count += 1;
  }

  recordFailure(failure: ClassifiedFailure): void {
    this.state.failures += 1;
    this.state.lastError = {
      type: failure.type,
      message: failure.message,
      atMs: Date.now(),
      code: failure.facts.chainBreak ?? failure.facts.login?.reason,
    };
  }

  /** Something changed what the loop should do: cut its current wait short. */
  wakeLoop(): void {
    this.wake += 1;
  }

  /** Waits until the journal is read and no other call to Exact runs, then holds the container for `work`. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await condition(() => this.ready && !this.busy);
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }
}
