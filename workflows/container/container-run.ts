import { condition, proxyActivities } from '@temporalio/workflow';
import type { ChainSnapshot, ContainerActivities, LegacyChainSnapshot } from '../../contract/activities';
import { FAILURE_TYPES } from '../../contract/failures';
import { planAfterFailure, type RetrySeries } from './failure-plan';
import type { ClassifiedFailure } from './failures';
import { stopAsDuplicate } from './identity';
import { dayIndex, nextDayStart, nextRefreshAt, type ResolvedOptions } from './schedule';
import type { CarriedState, ChainStatus, ContainerInput, ContainerStatus } from '../../contract/container';
import { Visibility } from './visibility';

/** Notifications retry inside the activity; the workflow never waits on them. */
const { notify } = proxyActivities<ContainerActivities>({
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
  private token_: (ChainSnapshot & { legacyPlaintext?: boolean }) | undefined;
  private series: RetrySeries = { retryAttempt: 0, tooEarlyStreak: 0 };
  /** When a token call's answer may have been lost; cleared by the next successful refresh. */
  private lostAnswerAt: number | undefined;
  /** When set, the next attempt is a retry at this time rather than the regular schedule. */
  private retryAtMs: number | undefined;
  /** Bumped by every message that changes what the loop should do, to cut its wait short. */
  private wake = 0;
  /** A refresh, renewal or recovery is talking to Exact; the others wait, so a chain never rotates twice at once. */
  private busy = false;
  /** The journal has been read; a renewal that arrives before must wait, or the read would overwrite it. */
  private ready = false;
  private readonly visibility = new Visibility();

  constructor(
    readonly input: ContainerInput,
    /** Provisional until the worker has named its rules (start-settings.ts), then fixed for the run. */
    private options_: ResolvedOptions,
    carried: CarriedState,
  ) {
    this.alias = input.alias;
    this.state = { ...carried, recoveries: carried.recoveries ?? freshState().recoveries };
    this.state.runs += 1;
  }

  get options(): ResolvedOptions {
    return this.options_;
  }

  get token(): (ChainSnapshot & { legacyPlaintext?: boolean }) | undefined {
    return this.token_;
  }

  /** Attempt number of the current retry series (0 when healthy). */
  get retryAttempt(): number {
    return this.series.retryAttempt;
  }

  /** When a token call's answer may have been lost (the refresh activity waits out the rule from then). */
  get lostAnswerAtMs(): number | undefined {
    return this.lostAnswerAt;
  }

  /** The worker has named its rules: the options are fixed for the rest of the run. */
  useWorkerOptions(options: ResolvedOptions): void {
    this.options_ = options;
  }

  /** The journal is read: renewals and logins may run. */
  journalRead(): void {
    this.ready = true;
  }

  /** Nothing talks to Exact now, so the run may continue as new. */
  idle(): boolean {
    return !this.busy;
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
    this.visibility.show(this.state, this.snapshot());
  }

  /** Takes a chain version from the journal as the current one. */
  adopt(chain: LegacyChainSnapshot): void {
    const s = this.state;
    const { accessToken: plaintext, ...sealed } = chain;
    const present = sealed.sealedAccessToken !== undefined || Boolean(plaintext);
    this.token_ = present ? { ...sealed, legacyPlaintext: sealed.sealedAccessToken === undefined } : undefined;
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
    this.series = { retryAttempt: 0, tooEarlyStreak: 0 };
    this.retryAtMs = undefined;
    this.wake += 1;
    this.publish(this.state.paused ? 'paused' : this.token ? 'healthy' : 'refreshing');
  }

  /** A refresh brought the next version of the chain. */
  refreshed(result: ChainSnapshot & { tokenCallMade?: boolean }): void {
    this.lostAnswerAt = undefined;
    this.countTokenCall(result.tokenCallMade);
    this.adopt(result);
    this.state.refreshes += 1;
    this.settle();
  }

  /** Acts on a failed refresh as {@link planAfterFailure} decides. */
  afterFailure(failure: ClassifiedFailure): void {
    const plan = planAfterFailure(failure, this.series, this.options, Date.now());
    switch (plan.action) {
      case 'stop-as-duplicate':
        return stopAsDuplicate(this, failure);
      case 'ask-human':
        if (plan.chainLost !== undefined) this.state.chainLost = plan.chainLost;
        return this.needsReauth(plan.reason);
      case 'retry':
        this.series = { retryAttempt: plan.retryAttempt, tooEarlyStreak: plan.tooEarlyStreak };
        this.retryAtMs = plan.atMs;
        if (plan.lostAnswerAtMs !== undefined) this.lostAnswerAt = plan.lostAnswerAtMs;
        return this.publish('retrying');
    }
  }

  /** Today's token-call budget is spent: the next refresh waits for the new day. */
  waitForNewDay(): void {
    this.retryAtMs = nextDayStart(Date.now(), this.options);
    this.state.lastError = {
      type: FAILURE_TYPES.rateLimited,
      message: "today's token-call budget is spent; the next refresh waits for the new day",
      atMs: Date.now(),
    };
    this.publish('retrying');
  }

  /** `refreshNow`: refresh as soon as the rule allows; retry now when the last failure was configuration. */
  refreshNow(): void {
    const s = this.state;
    s.refreshNowRequested = true;
    // A configuration problem may be fixed now; a broken chain needs a renewal, not another error response.
    if (s.status === 'needs-reauth' && !s.chainLost && s.lastError?.type === FAILURE_TYPES.misconfigured) {
      s.reauthReason = undefined;
      s.status = 'retrying';
      this.retryAtMs = Date.now();
    }
    this.wake += 1;
  }

  /** `pause`: stop refreshing until resumed. False when already paused. */
  pause(): boolean {
    if (this.state.paused) return false;
    this.state.paused = true;
    this.wake += 1;
    this.publish('paused');
    return true;
  }

  /** `resume`: refresh again. False when not paused. */
  resume(): boolean {
    if (!this.state.paused) return false;
    this.state.paused = false;
    this.wake += 1;
    this.publish(this.state.reauthReason ? 'needs-reauth' : this.token ? 'healthy' : 'refreshing');
    return true;
  }

  needsReauth(reason: string): void {
    this.state.reauthReason = reason;
    this.retryAtMs = undefined;
    this.series = { ...this.series, retryAttempt: 0 };
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
  notify(event: Parameters<ContainerActivities['notify']>[0]): void {
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

  /**
   * Waits until `untilMs` (forever when undefined) or until something changes what the loop should do. True when
   * woken early: the loop looks again at what is due.
   */
  async waitForChange(untilMs: number | undefined): Promise<boolean> {
    const seen = this.wake;
    if (untilMs === undefined) {
      await condition(() => this.wake !== seen);
      return true;
    }
    return untilMs > Date.now() && (await condition(() => this.wake !== seen, untilMs - Date.now()));
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
