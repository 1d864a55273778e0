import { ApplicationFailure, executeChild } from '@temporalio/workflow';
import type { RecoveryResult } from '../../contract/activities';
import { FAILURE_TYPES } from '../../contract/failures';
import { planAfterLoginFailure } from '../recovery/login-plan';
import { chainRecovery, recoveryWorkflowId } from '../recovery/recovery-workflow';
import type { ContainerRun } from './container-run';
import { classifyFailure, type ClassifiedFailure } from './failures';
import { stopAsDuplicate } from './identity';
import { dayIndex, nextDayStart } from './schedule';
import type { CredentialsState } from '../../contract/container';

/** No automatic login may use these credentials until an admin acts on them. */
export function credentialsOnHold(credentials: CredentialsState): boolean {
  return credentials.rejected || credentials.suspect !== undefined;
}

/**
 * When auto-recovery may run (now or later), or undefined when it cannot without an admin: no credentials,
 * expired ones, or ones on hold. Later means after a failed attempt's pause or the day's cap. An admin's
 * `retryRecovery` asks for one login now, past the hold and the pause, but not past the day's cap.
 */
export function recoveryDueAt(run: ContainerRun): number | undefined {
  const { credentials, nextRecoveryAtMs, adminAskedLogin } = run.state;
  if (!credentials || credentials.expiresAtMs <= Date.now()) return undefined;
  // The day's cap holds for every login, an admin's too: the Web UI must not be a way to spend more passwords.
  const capped = loginsLeftToday(run) === 0 ? nextDayStart(Date.now(), run.options) : undefined;
  if (adminAskedLogin) return capped ?? Date.now();
  // Another container keeps this user's chain: a login would end it (and that one's, this one's) again.
  if (run.state.duplicateOf !== undefined) return undefined;
  if (credentialsOnHold(credentials)) return undefined;
  return Math.max(nextRecoveryAtMs ?? 0, capped ?? 0);
}

/** Logins (automatic or asked for by an admin) this container may still run today. */
export function loginsLeftToday(run: ContainerRun): number {
  const { recoveries } = run.state;
  const today = recoveries.dayIndex === dayIndex(Date.now(), run.options) ? recoveries.today : 0;
  return Math.max(0, run.options.recoveriesPerDay - today);
}

/** How a login is asked for: by the loop (a broken chain) or by an admin who is watching (`verifyCredentials`). */
export interface RecoveryRequest {
  /** An admin asked for this login now; it reports its failure to the admin (it counts toward the day's cap). */
  verify?: boolean;
}

function evidenceOf(failure: ClassifiedFailure): string {
  const login = failure.facts.login;
  if (!login) return '';
  return (
    ` Failed at the ${login.step} step (${login.reason})${login.pageError ? `: "${login.pageError}"` : ''}` +
    `${login.screenshotPath ? `; screenshot ${login.screenshotPath}` : ''}.`
  );
}

/**
 * Runs the recovery child workflow `recovery/<alias>/<n>`: a browser login with the stored credentials. On
 * success the container adopts the new chain. On failure the credentials entry becomes suspect whenever a
 * submitted credential was not confirmed (see login-plan.ts), and a broken chain waits for a human with the step
 * and the page's error as evidence. Resolves undefined after a failed automatic login; a verify that fails throws
 * that evidence to the admin who asked.
 */
export async function recover(run: ContainerRun, request: RecoveryRequest = {}): Promise<RecoveryResult | undefined> {
  const s = run.state;
  const today = dayIndex(Date.now(), run.options);
  const automatic = request.verify !== true;
  const adminAsked = !automatic || s.adminAskedLogin === true;
  s.adminAskedLogin = false;
  const todayBefore = s.recoveries.dayIndex === today ? s.recoveries.today : 0;
  s.recoveries = {
    dayIndex: today,
    today: todayBefore + 1,
    total: s.recoveries.total + 1,
  };
  if (s.chainLost) run.publish('recovering');
  try {
    const result = await executeChild(chainRecovery, {
      workflowId: recoveryWorkflowId(run.alias, s.recoveries.total),
      args: [{ alias: run.alias, exact: run.input.exact, lastTotpStep: s.lastTotpStep, adminAsked }],
    });
    if (result.totpStep !== undefined) s.lastTotpStep = result.totpStep;
    s.nextRecoveryAtMs = undefined;
    run.countTokenCall(true);
    run.adopt(result.chain);
    run.settle();
    run.notify({ type: 'recovered', alias: run.alias, at: new Date().toISOString(), chain: result.chain.chain });
    return result;
  } catch (err) {
    const failure = classifyFailure(err);
    run.recordFailure(failure);
    if (failure.type === FAILURE_TYPES.duplicateUser) {
      // The login worked, but the chain is another container's user: stop here, before each heals the other.
      stopAsDuplicate(run, failure);
      if (!automatic)
        throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
      return undefined;
    }
    s.nextRecoveryAtMs = Date.now() + run.options.rules.hourS * 1000;
    const login = failure.facts.login;
    if (login?.totpStep !== undefined) s.lastTotpStep = Math.max(s.lastTotpStep ?? 0, login.totpStep);
    const { suspect } = planAfterLoginFailure(failure);
    if (suspect && s.credentials) s.credentials.suspect = { reason: suspect, atMs: Date.now() };
    const evidence = evidenceOf(failure);
    const todo = s.credentials?.suspect
      ? ' The credentials are on hold: re-enter them (`chainkeeper credentials set`), ask for one more try ' +
        '(`chainkeeper recover`), or send `renewAuthorization`.'
      : ' Send `renewAuthorization`, or wait: auto-recovery tries again when allowed.';
    if (s.chainLost) run.needsReauth(`auto-recovery failed: ${failure.message}${evidence}${todo}`);
    else run.publish();
    if (!automatic) {
      throw ApplicationFailure.create({
        type: failure.type,
        message: `the verification login failed: ${failure.message}${evidence}${todo}`,
        nonRetryable: true,
      });
    }
    return undefined;
  }
}

/** `retryRecovery`: lifts the hold on the credentials for one more login, now if the chain is broken. */
export function allowOneMoreLogin(run: ContainerRun): string {
  const credentials = run.state.credentials;
  if (!credentials || credentials.expiresAtMs <= Date.now()) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.noCredentials,
      message: `container ${run.alias} has no credentials to try: enter them with \`chainkeeper credentials set ${run.alias}\`.`,
      nonRetryable: true,
    });
  }
  credentials.suspect = undefined;
  credentials.rejected = false;
  run.state.adminAskedLogin = true;
  run.state.nextRecoveryAtMs = undefined;
  run.wakeLoop();
  run.publish();
  if (!run.state.chainLost) return 'the hold on the credentials is lifted; they are used when the chain next breaks.';
  return loginsLeftToday(run) > 0
    ? 'one more login starts now.'
    : `today's ${run.options.recoveriesPerDay} logins are used: one more login starts when the day turns.`;
}
