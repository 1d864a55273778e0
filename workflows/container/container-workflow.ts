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
  retryRecoveryUpdate,
  statusQuery,
  verifyCredentialsUpdate,
} from './messages';
import { allowOneMoreLogin, loginsLeftToday, recover, recoveryDueAt } from './recovery';
import { stopAsDuplicate } from './identity';
import { validateRenewInput } from './renew-input';
import { checkStart, settleWithWorker } from './start-settings';
import { backoffMs, nextDayStart, withinTokenBudget } from './schedule';
import type {
  AccessTokenAnswer,
  ContainerInput,
  ContainerStatus,
  LegacyRefreshTokenInput,
  RenewAuthorizationInput,
  VerifyReceipt,
} from './types';
import type { AdoptRefreshTokenRequest } from '../../activities/types';

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

/**
 * A run whose host this worker does not know (an input from before host keys, or a key another worker defines):
 * it waits for an admin, and `refreshNow` tries again (on a worker that may know it by then).
 */
function refuseHost(run: ContainerRun, problem: string): void {
  run.state.lastError = { type: FAILURE_TYPES.misconfigured, message: problem, atMs: Date.now() };
  run.needsReauth(`nothing is sent to this container's host: ${problem}. Then send \`refreshNow\`.`);
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
    case FAILURE_TYPES.duplicateUser:
      return stopAsDuplicate(run, failure);
    case FAILURE_TYPES.misconfigured:
      return run.needsReauth(
        `the app or host is set up wrong (${failure.message}). Fix the worker's settings or the container's input, then send \`refreshNow\`.`,
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
        // The retry reads the journal at once (a stored pair is taken as it is) and calls Exact only after the
        // 570 s rule counted from the latest lost call: the refresh activity refuses earlier, without a token call.
        run.lostAnswerAtMs = Date.now();
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
      lostAnswerAtMs: run.lostAnswerAtMs,
    });
    run.lostAnswerAtMs = undefined;
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

async function renew(run: ContainerRun, grant: AcceptedGrant): Promise<ContainerStatus> {
  return run.exclusive(async () => {
    try {
      const started =
        'code' in grant
          ? await exact.exchangeCode({ alias: run.alias, exact: run.input.exact, code: grant.code })
          : await journal.adoptRefreshToken(adoptRequest(run.alias, grant));
      run.countTokenCall('code' in grant);
      run.adopt(started);
      run.settle();
      return run.snapshot();
    } catch (err) {
      const failure = classifyFailure(err);
      run.countTokenCall(failure.facts.tokenCallMade);
      // The new chain is another container's user: the old one is superseded in the journal, so this one stops.
      if (failure.type === FAILURE_TYPES.duplicateUser) stopAsDuplicate(run, failure);
      // A rejected renewal fails the update, not the workflow; the chain keeps the state it had.
      throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
    }
  });
}

/** An update accepted before refresh tokens were sealed holds one in plaintext; its replay takes the same path. */
type AcceptedGrant = RenewAuthorizationInput | LegacyRefreshTokenInput;

function normalizeGrant(grant: AcceptedGrant): AcceptedGrant {
  if ('code' in grant) return { code: grant.code.trim() };
  if ('refreshToken' in grant) return { refreshToken: grant.refreshToken.trim() };
  return { sealedRefreshToken: grant.sealedRefreshToken.trim(), keyId: grant.keyId.trim() };
}

function adoptRequest(alias: string, grant: Exclude<AcceptedGrant, { code: string }>): AdoptRefreshTokenRequest {
  return 'refreshToken' in grant
    ? { alias, refreshToken: grant.refreshToken }
    : { alias, sealed: { sealedRefreshToken: grant.sealedRefreshToken, keyId: grant.keyId } };
}

function accessToken(run: ContainerRun): AccessTokenAnswer {
  const token = run.token;
  if (!token || token.accessTokenExpiresAtMs === undefined) {
    throw new Error(
      `container ${run.alias} has no access token (status ${run.state.status}). ` +
        (run.state.status === 'needs-reauth' ? (run.state.reauthReason ?? '') : 'Try again after the next refresh.'),
    );
  }
  if (!token.sealedAccessToken) {
    // Received before tokens were sealed for consumers: serving it would hand a live token to whoever can query.
    throw new Error(
      `container ${run.alias} holds an access token from before tokens were sealed for consumers, which is not ` +
        `served; the next refresh (${run.snapshot().nextRefreshAt ?? 'after refreshNow'}) brings a sealed one.`,
    );
  }
  return {
    sealedAccessToken: token.sealedAccessToken,
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
  setHandler(retryRecoveryUpdate, () => allowOneMoreLogin(run), { validator: noInput('retryRecovery') });
  setHandler(verifyCredentialsUpdate, () => verifyCredentials(run), { validator: noInput('verifyCredentials') });
}

/** Updates without input: the Web UI may send nothing, null or {}; anything else is a mistake worth naming. */
function noInput(name: string): (input?: unknown) => void {
  return (input?: unknown) => {
    const empty =
      input === undefined ||
      input === null ||
      (typeof input === 'object' && !Array.isArray(input) && Object.keys(input).length === 0);
    if (!empty) throw new Error(`${name} takes no input: send it with an empty input (or {}).`);
  };
}

/** `verifyCredentials`: one login now, with the admin watching; their answer or their evidence. */
async function verifyCredentials(run: ContainerRun): Promise<VerifyReceipt> {
  const credentials = run.state.credentials;
  if (!credentials || credentials.expiresAtMs <= Date.now()) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.noCredentials,
      message: `container ${run.alias} has no credentials to verify: enter them with \`chainkeeper credentials set ${run.alias}\`.`,
      nonRetryable: true,
    });
  }
  if (loginsLeftToday(run) === 0) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.rateLimited,
      message:
        `container ${run.alias} has used today's ${run.options.recoveriesPerDay} logins (a guard against account ` +
        'lockouts): verify again tomorrow.',
      nonRetryable: true,
    });
  }
  // The admin asks for this login: it may use an entry on hold, once.
  credentials.suspect = undefined;
  credentials.rejected = false;
  const result = await run.exclusive(() => recover(run, { verify: true }));
  if (!result) throw ApplicationFailure.create({ message: 'the verification login failed', nonRetryable: true });
  return { alias: run.alias, steps: result.steps, chain: result.chain.chain, loginMs: Math.round(result.loginMs) };
}

/**
 * One data container: keeps its Exact Online refresh-token chain alive by refreshing on a durable timer, retries
 * transient failures with backoff, heals a broken chain with the stored credentials, and otherwise stops to ask
 * a human.
 */
export async function dataContainer(input: ContainerInput): Promise<void> {
  // Checked before anything else: a fresh start with bad input fails here, naming the field.
  const start = checkStart(input);
  const run = new ContainerRun(start.input, start.provisional, start.input.carried ?? freshState());
  const s = run.state;
  registerHandlers(run);
  void keepCredentials(run);

  // The worker, not the input, decides the host and Exact's rules (a fresh start out of bounds fails here).
  const settings = await settleWithWorker(start);
  run.options = settings.options;
  const loaded = await journal.loadChain({ alias: run.alias });
  if (loaded) run.adopt(loaded);
  else s.chainLost = true;
  if (settings.hostProblem) refuseHost(run, settings.hostProblem);
  else if (s.paused) run.publish('paused');
  else if (!loaded)
    run.needsReauth('not enrolled yet: send `renewAuthorization` with a refresh token or an authorization code.');
  else if (s.status === 'needs-reauth') run.publish('needs-reauth');
  else run.publish(run.token ? 'healthy' : 'refreshing');
  run.ready = true;

  let cyclesThisRun = 0;
  for (;;) {
    if (workflowInfo().continueAsNewSuggested || cyclesThisRun >= run.options.cyclesPerRun) {
      await condition(() => allHandlersFinished() && !run.busy);
      await continueAsNew<typeof dataContainer>({ ...run.input, carried: s });
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
