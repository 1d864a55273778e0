import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { FAILURE_TYPES } from '../failure-types';
import { ContainerRun, freshState } from './container-run';
import { enrollCredentials, forgetCredentials, keepCredentials, validateSealedCredentials } from './credentials-keeper';
import { classifyFailure, type ClassifiedFailure } from './failures';
import {
  accessTokenQuery,
  enrollCredentialsUpdate,
  forgetCredentialsUpdate,
  pauseSignal,
  refreshNowSignal,
  renewAuthorizationUpdate,
  resumeSignal,
  statusQuery,
} from './messages';
import { recover, recoveryDueAt } from './recovery';
import { validateRenewInput } from './renew-input';
import { backoffMs, earliestRefreshAt, nextDayStart, resolveOptions, withinTokenBudget } from './schedule';
import type { AccessTokenAnswer, ContainerInput, ContainerStatus, RenewAuthorizationInput } from './types';

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

/** What the workflow does after a failed refresh, decided by failure type only. */
function planAfterFailure(run: ContainerRun, failure: ClassifiedFailure): void {
  const s = run.state;
  switch (failure.type) {
    case FAILURE_TYPES.chainBroken:
      s.chainLost = true;
      return run.needsReauth(
        `the refresh-token chain is broken (${failure.facts.chainBreak ?? 'unknown'}): authorize again with ` +
          '`renewAuthorization` (a new authorization code or refresh token), or enter credentials for auto-recovery.',
      );
    case FAILURE_TYPES.misconfigured:
      return run.needsReauth(
        `Exact rejected the app's configuration (${failure.message}). Fix the worker's app settings, then send \`refreshNow\`.`,
      );
    case FAILURE_TYPES.notEnrolled:
    case FAILURE_TYPES.invalidInput:
      s.chainLost = failure.type === FAILURE_TYPES.notEnrolled;
      return run.needsReauth(
        `${failure.message} Send \`renewAuthorization\` with a refresh token or authorization code.`,
      );
    case FAILURE_TYPES.tooEarly: {
      // Exact counts an early refresh as an error: wait out the rule once; a second one in a row backs off fully.
      run.tooEarlyStreak += 1;
      run.retryAttempt += 1;
      const waitMs = Math.max((failure.facts.retryAfterS ?? run.options.rules.minRefreshIntervalS) * 1000, 1000);
      const backoff = run.tooEarlyStreak > 1 ? backoffMs(run.retryAttempt, run.options) : 0;
      run.retryAtMs = Date.now() + Math.max(waitMs, backoff);
      return run.publish('retrying');
    }
    default: {
      run.retryAttempt += 1;
      run.retryAtMs = Date.now() + backoffMs(run.retryAttempt, run.options, failure.facts.retryAfterS);
      // Exact may have issued a pair we never received: retrying before the 570 s rule would be refused as too
      // early (an error that counts toward the key's block), so wait the rule out from now.
      if (failure.facts.answerMayBeLost) {
        run.retryAtMs = Math.max(run.retryAtMs, earliestRefreshAt(Date.now(), run.options));
      }
      return run.publish('retrying');
    }
  }
}

async function refreshOnce(run: ContainerRun): Promise<void> {
  const s = run.state;
  run.publish(run.retryAttempt > 0 ? 'retrying' : 'refreshing');
  try {
    const result = await exact.refreshChain({
      alias: run.alias,
      exact: run.input.exact,
      expected: { chain: s.chain ?? 0, generation: s.generation ?? 0 },
      minRefreshIntervalS: run.options.rules.minRefreshIntervalS,
    });
    run.countTokenCall(result.tokenCallMade);
    run.adopt(result);
    s.refreshes += 1;
    run.settle();
  } catch (err) {
    const failure = classifyFailure(err);
    run.countTokenCall(failure.facts.tokenCallMade);
    run.recordFailure(failure);
    planAfterFailure(run, failure);
  }
}

async function renew(run: ContainerRun, grant: RenewAuthorizationInput): Promise<ContainerStatus> {
  return run.exclusive(async () => {
    try {
      const started =
        'code' in grant
          ? await exact.exchangeCode({ alias: run.alias, exact: run.input.exact, code: grant.code })
          : await journal.adoptRefreshToken({ alias: run.alias, refreshToken: grant.refreshToken });
      run.countTokenCall('code' in grant);
      run.adopt(started);
      run.settle();
      return run.snapshot();
    } catch (err) {
      const failure = classifyFailure(err);
      run.countTokenCall(failure.facts.tokenCallMade);
      // A rejected renewal fails the update, not the workflow; the chain keeps the state it had.
      throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
    }
  });
}

function normalizeGrant(grant: RenewAuthorizationInput): RenewAuthorizationInput {
  return 'code' in grant ? { code: grant.code.trim() } : { refreshToken: grant.refreshToken.trim() };
}

function accessToken(run: ContainerRun): AccessTokenAnswer {
  const token = run.token;
  if (!token?.accessToken || token.accessTokenExpiresAtMs === undefined) {
    throw new Error(
      `container ${run.alias} has no access token (status ${run.state.status}). ` +
        (run.state.status === 'needs-reauth' ? (run.state.reauthReason ?? '') : 'Try again after the next refresh.'),
    );
  }
  return {
    accessToken: token.accessToken,
    issuedAt: new Date(token.accessTokenIssuedAtMs ?? 0).toISOString(),
    expiresAt: new Date(token.accessTokenExpiresAtMs).toISOString(),
    chain: token.chain,
    generation: token.generation,
  };
}

function registerHandlers(run: ContainerRun): void {
  const s = run.state;
  setHandler(statusQuery, () => run.snapshot());
  setHandler(accessTokenQuery, () => accessToken(run));
  setHandler(refreshNowSignal, () => {
    s.refreshNowRequested = true;
    // A configuration problem may be fixed now; a broken chain needs a renewal, not another error response.
    if (s.status === 'needs-reauth' && !s.chainLost && s.lastError?.type === FAILURE_TYPES.misconfigured) {
      s.reauthReason = undefined;
      s.status = 'retrying';
      run.retryAtMs = Date.now();
    }
    run.wake += 1;
  });
  setHandler(pauseSignal, (reason?: string) => {
    if (s.paused) return;
    s.paused = true;
    run.wake += 1;
    run.publish('paused');
    void journal.recordAudit({
      alias: run.alias,
      kind: 'paused',
      detail: typeof reason === 'string' ? reason.slice(0, 200) : undefined,
    });
  });
  setHandler(resumeSignal, () => {
    if (!s.paused) return;
    s.paused = false;
    run.wake += 1;
    run.publish(s.reauthReason ? 'needs-reauth' : run.token ? 'healthy' : 'refreshing');
    void journal.recordAudit({ alias: run.alias, kind: 'resumed' });
  });
  setHandler(renewAuthorizationUpdate, (grant) => renew(run, normalizeGrant(grant)), { validator: validateRenewInput });
  setHandler(enrollCredentialsUpdate, (sealed) => enrollCredentials(run, sealed), {
    validator: validateSealedCredentials,
  });
  setHandler(forgetCredentialsUpdate, () => forgetCredentials(run, 'an admin asked to forget them'));
}

/**
 * One data container: keeps its Exact Online refresh-token chain alive by refreshing on a durable timer, retries
 * transient failures with backoff, heals a broken chain with the stored credentials, and otherwise stops to ask
 * a human.
 */
export async function dataContainer(input: ContainerInput): Promise<void> {
  const run = new ContainerRun(input, resolveOptions(input.options), input.carried ?? freshState());
  const s = run.state;
  registerHandlers(run);
  void keepCredentials(run);

  const loaded = await journal.loadChain({ alias: run.alias });
  if (loaded) run.adopt(loaded);
  else s.chainLost = true;
  if (s.paused) run.publish('paused');
  else if (!loaded)
    run.needsReauth('not enrolled yet: send `renewAuthorization` with a refresh token or an authorization code.');
  else if (s.status === 'needs-reauth') run.publish('needs-reauth');
  else run.publish(run.token ? 'healthy' : 'refreshing');
  run.ready = true;

  let cyclesThisRun = 0;
  for (;;) {
    if (workflowInfo().continueAsNewSuggested || cyclesThisRun >= run.options.cyclesPerRun) {
      await condition(() => allHandlersFinished() && !run.busy);
      await continueAsNew<typeof dataContainer>({ ...input, carried: s });
    }
    const recovering = !s.paused && s.status === 'needs-reauth' && s.chainLost;
    const dueAt = recovering ? recoveryDueAt(run) : run.nextAttemptAt();
    if (recovering && dueAt !== undefined && dueAt <= Date.now()) {
      await run.exclusive(() => recover(run));
      continue;
    }
    // Nothing will heal it by itself now: a human is needed, so say it once.
    if (s.status === 'needs-reauth' && dueAt === undefined) run.announceNeedsReauth();
    const seen = run.wake;
    if (dueAt === undefined) {
      await condition(() => run.wake !== seen);
      continue;
    }
    if (dueAt > Date.now() && (await condition(() => run.wake !== seen, dueAt - Date.now()))) continue;
    // A broken chain is healed by a recovery, never by refreshing its dead token (an error response).
    if (recovering) continue;
    if (!withinTokenBudget(run.tokenCallsToday())) {
      run.retryAtMs = nextDayStart(Date.now(), run.options);
      s.lastError = {
        type: FAILURE_TYPES.rateLimited,
        message: "today's token-call budget is spent; the next refresh waits for the new day",
        atMs: Date.now(),
      };
      run.publish('retrying');
      continue;
    }
    await run.exclusive(() => refreshOnce(run));
    cyclesThisRun += 1;
  }
}
