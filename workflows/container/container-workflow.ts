import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { ChainSnapshot } from '../../activities/types';
import { FAILURE_TYPES } from '../failure-types';
import { CHAIN_STATUS } from '../search-attributes';
import { renderDetails } from './details';
import { classifyFailure, type ClassifiedFailure } from './failures';
import {
  accessTokenQuery,
  pauseSignal,
  refreshNowSignal,
  renewAuthorizationUpdate,
  resumeSignal,
  statusQuery,
} from './messages';
import { validateRenewInput } from './renew-input';
import {
  backoffMs,
  dayIndex,
  earliestRefreshAt,
  nextDayStart,
  nextRefreshAt,
  resolveOptions,
  withinTokenBudget,
} from './schedule';
import type {
  AccessTokenAnswer,
  CarriedState,
  ChainStatus,
  ContainerInput,
  ContainerStatus,
  RenewAuthorizationInput,
} from './types';

type Activities = ReturnType<typeof createActivities>;

/** Calls to Exact are tried once per activity: the loop retries, so backoff is visible and no 4xx is repeated blindly. */
const exact = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  retry: { maximumAttempts: 1 },
});
/** Journal reads and audit lines only touch our own store: retry them until the store answers. */
const journal = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Workflow ID of a container. */
export function containerWorkflowId(alias: string): string {
  return `container/${alias}`;
}

function freshState(): CarriedState {
  return {
    status: 'refreshing',
    paused: false,
    tokenCalls: { dayIndex: 0, count: 0 },
    refreshes: 0,
    failures: 0,
    runs: 0,
  };
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * One data container: keeps its Exact Online refresh-token chain alive by refreshing on a durable timer, retries
 * transient failures with backoff, and stops to ask a human when the chain breaks.
 */
export async function dataContainer(input: ContainerInput): Promise<void> {
  const options = resolveOptions(input.options);
  const { alias } = input;
  const s: CarriedState = input.carried ? { ...input.carried } : freshState();
  s.runs += 1;

  let token: ChainSnapshot | undefined;
  let retryAttempt = 0;
  let tooEarlyStreak = 0;
  /** When set, the next attempt is a retry at this time rather than the regular schedule. */
  let retryAtMs: number | undefined;
  /** Bumped by every message that changes what the loop should do, to cut its wait short. */
  let wake = 0;
  /** A refresh or a renewal is talking to Exact; the other waits, so a chain is never rotated twice at once. */
  let busy = false;
  let cyclesThisRun = 0;

  const nextAttemptAt = (): number | undefined => {
    if (s.paused || s.status === 'needs-reauth') return undefined;
    return retryAtMs ?? nextRefreshAt(s.lastRefreshAtMs, options, s.refreshNowRequested ?? false);
  };

  const snapshot = (): ContainerStatus => ({
    alias,
    status: s.status,
    chain: s.chain,
    generation: s.generation,
    lastRefreshAt: iso(s.lastRefreshAtMs),
    nextRefreshAt: iso(nextAttemptAt()),
    accessTokenExpiresAt: iso(token?.accessTokenExpiresAtMs),
    lastError: s.lastError ? { ...s.lastError, at: new Date(s.lastError.atMs).toISOString() } : undefined,
    reauthReason: s.status === 'needs-reauth' ? s.reauthReason : undefined,
    retryAttempt,
    tokenCallsToday: s.tokenCalls.dayIndex === dayIndex(Date.now(), options) ? s.tokenCalls.count : 0,
    refreshes: s.refreshes,
    failures: s.failures,
    runs: s.runs,
  });

  let publishedStatus = workflowInfo().typedSearchAttributes.get(CHAIN_STATUS);
  const publish = (status: ChainStatus = s.status): void => {
    s.status = status;
    if (publishedStatus !== status) {
      upsertSearchAttributes([{ key: CHAIN_STATUS, value: status }]);
      publishedStatus = status;
    }
    setCurrentDetails(renderDetails(snapshot()));
  };

  const adopt = (chain: ChainSnapshot): void => {
    token = chain.accessToken ? chain : undefined;
    s.chain = chain.chain;
    s.generation = chain.generation;
    // A chain started from a hand-made refresh token has no access token yet; count as if one was just issued,
    // since the person who made it almost certainly received one with it.
    s.lastRefreshAtMs = chain.accessTokenIssuedAtMs ?? Date.now();
  };

  const needsReauth = (reason: string): void => {
    s.reauthReason = reason;
    retryAtMs = undefined;
    retryAttempt = 0;
    publish('needs-reauth');
  };

  const countTokenCall = (made: boolean | undefined): void => {
    if (made === false) return;
    const today = dayIndex(Date.now(), options);
    if (s.tokenCalls.dayIndex !== today) s.tokenCalls = { dayIndex: today, count: 0 };
    s.tokenCalls.count += 1;
  };

  const recordFailure = (failure: ClassifiedFailure): void => {
    s.failures += 1;
    s.lastError = { type: failure.type, message: failure.message, atMs: Date.now(), code: failure.facts.chainBreak };
  };

  /** Plans the next step after a failed attempt, by failure type only. */
  const planAfterFailure = (failure: ClassifiedFailure): void => {
    switch (failure.type) {
      case FAILURE_TYPES.chainBroken:
        return needsReauth(
          `the refresh-token chain is broken (${failure.facts.chainBreak ?? 'unknown'}): authorize again with ` +
            '`renewAuthorization` (a new authorization code or refresh token), or enter credentials for auto-recovery.',
        );
      case FAILURE_TYPES.misconfigured:
        return needsReauth(
          `Exact rejected the app's configuration (${failure.message}). Fix the worker's app settings, then send \`refreshNow\`.`,
        );
      case FAILURE_TYPES.notEnrolled:
      case FAILURE_TYPES.invalidInput:
        return needsReauth(
          `${failure.message} Send \`renewAuthorization\` with a refresh token or authorization code.`,
        );
      case FAILURE_TYPES.tooEarly: {
        // Exact counts an early refresh as an error: wait out the rule once; a second one in a row backs off fully.
        tooEarlyStreak += 1;
        retryAttempt += 1;
        const waitMs = Math.max((failure.facts.retryAfterS ?? options.rules.minRefreshIntervalS) * 1000, 1000);
        retryAtMs = Date.now() + (tooEarlyStreak > 1 ? Math.max(waitMs, backoffMs(retryAttempt, options)) : waitMs);
        return publish('retrying');
      }
      default: {
        retryAttempt += 1;
        retryAtMs = Date.now() + backoffMs(retryAttempt, options, failure.facts.retryAfterS);
        // Exact may have issued a pair we never received: retrying before the 570 s rule would be refused as too
        // early (an error that counts toward the key's block), so wait the rule out from now.
        if (failure.facts.answerMayBeLost) retryAtMs = Math.max(retryAtMs, earliestRefreshAt(Date.now(), options));
        return publish('retrying');
      }
    }
  };

  const refreshOnce = async (): Promise<void> => {
    busy = true;
    const wasRetrying = retryAttempt > 0;
    publish(wasRetrying ? 'retrying' : 'refreshing');
    try {
      const result = await exact.refreshChain({
        alias,
        exact: input.exact,
        expected: { chain: s.chain ?? 0, generation: s.generation ?? 0 },
        minRefreshIntervalS: options.rules.minRefreshIntervalS,
      });
      countTokenCall(result.tokenCallMade);
      adopt(result);
      s.refreshes += 1;
      s.refreshNowRequested = false;
      retryAttempt = 0;
      tooEarlyStreak = 0;
      retryAtMs = undefined;
      publish('healthy');
    } catch (err) {
      const failure = classifyFailure(err);
      countTokenCall(failure.facts.tokenCallMade);
      recordFailure(failure);
      planAfterFailure(failure);
    } finally {
      busy = false;
    }
  };

  const renew = async (grant: RenewAuthorizationInput): Promise<ContainerStatus> => {
    await condition(() => !busy);
    busy = true;
    try {
      const started =
        'code' in grant
          ? await exact.exchangeCode({ alias, exact: input.exact, code: grant.code })
          : await journal.adoptRefreshToken({ alias, refreshToken: grant.refreshToken });
      countTokenCall('code' in grant);
      adopt(started);
      s.reauthReason = undefined;
      retryAttempt = 0;
      tooEarlyStreak = 0;
      retryAtMs = undefined;
      wake += 1;
      publish(s.paused ? 'paused' : token ? 'healthy' : 'refreshing');
      return snapshot();
    } catch (err) {
      const failure = classifyFailure(err);
      countTokenCall(failure.facts.tokenCallMade);
      // A rejected renewal fails the update, not the workflow; the chain keeps the state it had.
      throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
    } finally {
      busy = false;
    }
  };

  setHandler(statusQuery, snapshot);
  setHandler(accessTokenQuery, (): AccessTokenAnswer => {
    if (!token?.accessToken || token.accessTokenExpiresAtMs === undefined) {
      throw new Error(
        `container ${alias} has no access token (status ${s.status}). ` +
          (s.status === 'needs-reauth' ? (s.reauthReason ?? '') : 'Try again after the next refresh.'),
      );
    }
    return {
      accessToken: token.accessToken,
      issuedAt: new Date(token.accessTokenIssuedAtMs ?? 0).toISOString(),
      expiresAt: new Date(token.accessTokenExpiresAtMs).toISOString(),
      chain: token.chain,
      generation: token.generation,
    };
  });
  setHandler(refreshNowSignal, () => {
    s.refreshNowRequested = true;
    // A configuration problem may be fixed now; a broken chain needs a renewal, not another error response.
    if (s.status === 'needs-reauth' && s.lastError?.type === FAILURE_TYPES.misconfigured) {
      s.reauthReason = undefined;
      s.status = 'retrying';
      retryAtMs = Date.now();
    }
    wake += 1;
  });
  setHandler(pauseSignal, (reason?: string) => {
    if (s.paused) return;
    s.paused = true;
    wake += 1;
    publish('paused');
    void journal.recordAudit({
      alias,
      kind: 'paused',
      detail: typeof reason === 'string' ? reason.slice(0, 200) : undefined,
    });
  });
  setHandler(resumeSignal, () => {
    if (!s.paused) return;
    s.paused = false;
    wake += 1;
    publish(s.reauthReason ? 'needs-reauth' : 'healthy');
    void journal.recordAudit({ alias, kind: 'resumed' });
  });
  setHandler(renewAuthorizationUpdate, (grant) => renew(normalizeGrant(grant)), { validator: validateRenewInput });

  const loaded = await journal.loadChain({ alias });
  if (loaded) adopt(loaded);
  if (s.paused) publish('paused');
  else if (!loaded)
    needsReauth('not enrolled yet: send `renewAuthorization` with a refresh token or an authorization code.');
  else if (s.status === 'needs-reauth') publish('needs-reauth');
  else publish(token ? 'healthy' : 'refreshing');

  for (;;) {
    if (workflowInfo().continueAsNewSuggested || cyclesThisRun >= options.cyclesPerRun) {
      await condition(() => allHandlersFinished() && !busy);
      await continueAsNew<typeof dataContainer>({ ...input, carried: s });
    }
    const dueAt = nextAttemptAt();
    const seen = wake;
    if (dueAt === undefined) {
      await condition(() => wake !== seen);
      continue;
    }
    if (dueAt > Date.now() && (await condition(() => wake !== seen, dueAt - Date.now()))) continue;
    if (busy) {
      await condition(() => !busy);
      continue;
    }
    if (!withinTokenBudget(s.tokenCalls.dayIndex === dayIndex(Date.now(), options) ? s.tokenCalls.count : 0)) {
      retryAtMs = nextDayStart(Date.now(), options);
      s.lastError = {
        type: FAILURE_TYPES.rateLimited,
        message: "today's token-call budget is spent; the next refresh waits for the new day",
        atMs: Date.now(),
      };
      publish('retrying');
      continue;
    }
    await refreshOnce();
    cyclesThisRun += 1;
  }
}

function normalizeGrant(grant: RenewAuthorizationInput): RenewAuthorizationInput {
  return 'code' in grant ? { code: grant.code.trim() } : { refreshToken: grant.refreshToken.trim() };
}
