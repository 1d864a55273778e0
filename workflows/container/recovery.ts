import { executeChild } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../failure-types';
import { chainRecovery, recoveryWorkflowId } from '../recovery/recovery-workflow';
import type { ContainerRun } from './container-run';
import { classifyFailure } from './failures';
import { dayIndex, nextDayStart } from './schedule';

/** Login failures that mean the credentials themselves are wrong: never tried again until re-entered. */
const CREDENTIAL_REJECTIONS = new Set(['credentials-rejected', 'totp-rejected', 'account-locked']);

/**
 * When auto-recovery may run (now or later), or undefined when it cannot without an admin: no credentials,
 * expired ones, or ones Exact rejected. Later means after a failed attempt's pause or the day's cap.
 */
export function recoveryDueAt(run: ContainerRun): number | undefined {
  const { credentials, recoveries, nextRecoveryAtMs } = run.state;
  if (!credentials || credentials.rejected || credentials.expiresAtMs <= Date.now()) return undefined;
  const notBefore = nextRecoveryAtMs ?? 0;
  const today = recoveries.dayIndex === dayIndex(Date.now(), run.options) ? recoveries.today : 0;
  if (today >= run.options.recoveriesPerDay) return Math.max(notBefore, nextDayStart(Date.now(), run.options));
  return notBefore;
}

/**
 * Runs the recovery child workflow `recovery/<alias>/<n>`: a browser login with the stored credentials. On
 * success the container adopts the new chain; on failure it waits for a human with the step and the page's
 * error as evidence, and rejected credentials are marked so they are not tried again.
 */
export async function recover(run: ContainerRun): Promise<void> {
  const s = run.state;
  const today = dayIndex(Date.now(), run.options);
  s.recoveries =
    s.recoveries.dayIndex === today
      ? { ...s.recoveries, today: s.recoveries.today + 1, total: s.recoveries.total + 1 }
      : { dayIndex: today, today: 1, total: s.recoveries.total + 1 };
  run.publish('recovering');
  try {
    const result = await executeChild(chainRecovery, {
      workflowId: recoveryWorkflowId(run.alias, s.recoveries.total),
      args: [{ alias: run.alias, exact: run.input.exact, lastTotpStep: s.lastTotpStep }],
    });
    if (result.totpStep !== undefined) s.lastTotpStep = result.totpStep;
    s.nextRecoveryAtMs = undefined;
    run.countTokenCall(true);
    run.adopt(result.chain);
    run.settle();
    run.notify({ type: 'recovered', alias: run.alias, at: new Date().toISOString(), chain: result.chain.chain });
  } catch (err) {
    const failure = classifyFailure(err);
    run.recordFailure(failure);
    s.nextRecoveryAtMs = Date.now() + run.options.rules.hourS * 1000;
    const login = failure.facts.login;
    if (login?.totpStep !== undefined) s.lastTotpStep = Math.max(s.lastTotpStep ?? 0, login.totpStep);
    if (login && CREDENTIAL_REJECTIONS.has(login.reason) && s.credentials) s.credentials.rejected = true;
    const evidence = login
      ? ` Failed at the ${login.step} step (${login.reason})${login.pageError ? `: "${login.pageError}"` : ''}` +
        `${login.screenshotPath ? `; screenshot ${login.screenshotPath}` : ''}.`
      : '';
    const todo =
      failure.type === FAILURE_TYPES.loginFailed && login && !login.retryable
        ? ' Re-enter credentials (`chainkeeper credentials set`) or send `renewAuthorization`.'
        : ' Send `renewAuthorization`, or wait: auto-recovery tries again when allowed.';
    run.needsReauth(`auto-recovery failed: ${failure.message}${evidence}${todo}`);
  }
}
