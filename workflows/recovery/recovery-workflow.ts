import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import { classifyFailure } from '../container/failures';
import type { ContainerActivities, RecoveryInput, RecoveryResult } from '../../contract/activities';
import { planAfterLoginFailure } from './login-plan';

/**
 * Logins that failed before any credential was submitted (browser start, network, a server error on the first
 * page), or whose code exchange failed after a confirmed login, or whose worker died, are tried this often in one
 * recovery. A submit that no next page confirmed is never followed by another (see login-plan.ts).
 */
const LOGIN_ATTEMPTS = 3;

/**
 * Between attempts: one TOTP step, so the next login never needs the code a dead attempt may have submitted,
 * and the authorization code of a failed exchange is simply abandoned for a fresh login.
 */
const BETWEEN_ATTEMPTS = '30 seconds';

const { recoverChain } = proxyActivities<ContainerActivities>({
  // A login may wait up to a TOTP step for a fresh code, then drive five pages.
  startToCloseTimeout: '3 minutes',
  // The activity heartbeats every 5 s: a worker that dies mid-login is noticed in 30 s, not 3 minutes.
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/** Workflow ID of the n-th recovery of a container. */
export function recoveryWorkflowId(alias: string, n: number): string {
  return `recovery/${alias}/${n}`;
}

/**
 * One automatic re-authorization of a broken chain: a browser login with the stored credentials and a fresh
 * TOTP code, then a new chain. A credential submit that no next page confirmed is never followed by another.
 */
export async function chainRecovery(input: RecoveryInput): Promise<RecoveryResult> {
  let lastTotpStep = input.lastTotpStep;
  for (let attempt = 1; ; attempt++) {
    try {
      // An admin's "one more try" covers the first attempt only: a second one must respect what the first left.
      return await recoverChain({ ...input, lastTotpStep, adminAsked: attempt === 1 && input.adminAsked === true });
    } catch (err) {
      const failure = classifyFailure(err);
      const login = failure.facts.login;
      if (login?.totpStep !== undefined) lastTotpStep = Math.max(lastTotpStep ?? 0, login.totpStep);
      // Rate limits are not retried here: Exact's window outlasts the wait; the container's hourly retry handles them.
      if (planAfterLoginFailure(failure).retrySoon && attempt < LOGIN_ATTEMPTS) {
        await sleep(BETWEEN_ATTEMPTS);
        continue;
      }
      throw ApplicationFailure.create({
        type: failure.type,
        message: failure.message,
        nonRetryable: true,
        details: [{ ...failure.facts, login: login ? { ...login, totpStep: lastTotpStep } : undefined }],
      });
    }
  }
}
