import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { FAILURE_TYPES } from '../../contract/failures';
import { ContainerRun, freshState } from './container-run';
import { enrollCredentials, forgetCredentials, keepCredentials, validateSealedCredentials } from './credentials-keeper';
import { classifyFailure } from './failures';
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
} from '../../contract/messages';
import { allowOneMoreLogin, loginsLeftToday, recover, recoveryDueAt } from './recovery';
import { stopAsDuplicate } from './identity';
import { validateRenewInput } from './renew-input';
import { checkStart, settleWithWorker } from './start-settings';
import { withinTokenBudget } from './schedule';
import type { ContainerInput, ContainerStatus } from '../../contract/container';
import type { VerifyReceipt } from '../../contract/messages';
import type { AccessTokenAnswer, LegacyRefreshTokenInput, RenewAuthorizationInput } from '../../contract/sealed';
import type { AdoptRefreshTokenRequest, ContainerActivities } from '../../contract/activities';

/** Calls to Exact are tried once per activity: the loop retries, so backoff is visible and no 4xx is repeated blindly. */
const exact = proxyActivities<ContainerActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { maximumAttempts: 1 },
});
/** Journal reads and audit lines only touch our own store: retry them until the store answers. */
const journal = proxyActivities<ContainerActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/**
 * A run whose host this worker does not know (an input from before host keys, or a key another worker defines):
 * it waits for an admin, and `refreshNow` tries again (on a worker that may know it by then).
 */
function refuseHost(run: ContainerRun, problem: string): void {
  run.state.lastError = { type: FAILURE_TYPES.misconfigured, message: problem, atMs: Date.now() };
  run.needsReauth(`nothing is sent to this container's host: ${problem}. Then send \`refreshNow\`.`);
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
    run.refreshed(result);
  } catch (err) {
    const failure = classifyFailure(err);
    run.countTokenCall(failure.facts.tokenCallMade);
    run.recordFailure(failure);
    run.afterFailure(failure);
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
  setHandler(statusQuery, () => run.snapshot());
  setHandler(accessTokenQuery, () => accessToken(run));
  setHandler(refreshNowSignal, () => run.refreshNow());
  setHandler(pauseSignal, (reason?: string) => {
    if (!run.pause()) return;
    void journal.recordAudit({
      alias: run.alias,
      kind: 'paused',
      detail: typeof reason === 'string' ? reason.slice(0, 200) : undefined,
    });
  });
  setHandler(resumeSignal, () => {
    if (!run.resume()) return;
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
  run.useWorkerOptions(settings.options);
  const loaded = await journal.loadChain({ alias: run.alias });
  if (loaded) run.adopt(loaded);
  else s.chainLost = true;
  if (settings.hostProblem) refuseHost(run, settings.hostProblem);
  else if (s.paused) run.publish('paused');
  else if (!loaded)
    run.needsReauth('not enrolled yet: send `renewAuthorization` with a refresh token or an authorization code.');
  else if (s.status === 'needs-reauth') run.publish('needs-reauth');
  else run.publish(run.token ? 'healthy' : 'refreshing');
  run.journalRead();

  let cyclesThisRun = 0;
  for (;;) {
    if (workflowInfo().continueAsNewSuggested || cyclesThisRun >= run.options.cyclesPerRun) {
      await condition(() => allHandlersFinished() && run.idle());
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
    if (await run.waitForChange(dueAt)) continue;
    // A broken chain is healed by a recovery, never by refreshing its dead token (an error response).
    if (recovering) continue;
    if (!withinTokenBudget(run.tokenCallsToday())) {
      run.waitForNewDay();
      continue;
    }
    await run.exclusive(() => refreshOnce(run));
    cyclesThisRun += 1;
  }
}
