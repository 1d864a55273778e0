import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { RecoveryResult } from '../../activities/recover-chain';
import { classifyFailure } from '../container/failures';
import type { RecoveryInput } from '../container/types';
import { FAILURE_TYPES } from '../failure-types';

/** Logins that failed for a passing reason (timeout, browser crash) are tried this often in one recovery. */
const LOGIN_ATTEMPTS = 2;

const { recoverChain } = proxyActivities<ReturnType<typeof createActivities>>({
  // A login may wait up to a TOTP step for a fresh code, then drive five pages.
  startToCloseTimeout: '3 minutes',
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
      if (failure.type === FAILURE_TYPES.loginFailed && login?.retryable && attempt < LOGIN_ATTEMPTS) {
        await sleep('30 seconds');
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
