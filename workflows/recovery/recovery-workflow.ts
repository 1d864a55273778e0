import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { RecoveryResult } from '../../activities/recover-chain';
import { classifyFailure } from '../container/failures';
import type { RecoveryInput } from '../container/types';
import { FAILURE_TYPES } from '../failure-types';

/**
 * Logins that failed for a passing reason (timeout, browser crash, the worker died, Exact's token endpoint
 * failing the code exchange) are tried this often in one recovery. Rejected credentials are never retried.
 */
const LOGIN_ATTEMPTS = 3;

/**
 * Between attempts: one TOTP step, so the next login never needs the code a dead attempt may have submitted,
 * and the authorization code of a failed exchange is simply abandoned for a fresh login.
 */
const BETWEEN_ATTEMPTS = '30 seconds';

/**
 * Failures after which a fresh login may succeed at once. Not rate limits: Exact's window outlasts the wait, and
 * each refused call counts toward blocking the key; the container's hourly retry handles those.
 */
const PASSING_FAILURES = new Set<string>([FAILURE_TYPES.transient]);

const { recoverChain } = proxyActivities<ReturnType<typeof createActivities>>({
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
 * TOTP code, then a new chain. Rejected credentials are never tried a second time.
 */
export async function chainRecovery(input: RecoveryInput): Promise<RecoveryResult> {
  let lastTotpStep = input.lastTotpStep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await recoverChain({ ...input, lastTotpStep });
    } catch (err) {
      const failure = classifyFailure(err);
      const login = failure.facts.login;
      if (login?.totpStep !== undefined) lastTotpStep = Math.max(lastTotpStep ?? 0, login.totpStep);
      const passing =
        (failure.type === FAILURE_TYPES.loginFailed && login?.retryable) || PASSING_FAILURES.has(failure.type);
      if (passing && attempt < LOGIN_ATTEMPTS) {
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
