import { sealCredentials } from '../../src/credentials/credentials';
import { containerWorkflowId } from '../../workflows';
import { statusQuery } from '../../workflows/container/messages';
import type { ContainerStatus } from '../../workflows/container/types';
import { nominalGapMs } from './capacity-window';
import { authorizationCode, enrollContainers, newUser, type ContainerSpec } from './containers';
import type { Stack } from './stack';
import { percentile, progress, round, sleep } from './stats';

/** How often the benchmark asks a broken container for its status: the resolution of "healthy again". */
const POLL_MS = 50;
const RECOVERY_TIMEOUT_MS = 120_000;

export interface RecoverySample {
  /** From the break in the simulator to the container healthy on chain + 1. */
  totalMs: number;
  /** From the break to the refresh that found it (Exact answered "invalid chain"): bounded by the refresh interval. */
  detectionMs: number;
  /** From that refresh to healthy: the recovery child's browser login, the code exchange and the new chain's adoption. */
  healMs: number;
  /** From detection to the password page's submission: recovery child start, Chromium launch, first page. */
  launchMs: number;
  /** From the password's submission to the code exchange: TOTP page, consent, redirect, closing the browser. */
  loginMs: number;
  /** From the code exchange to healthy: journal, /Me, the child's completion and the parent's adoption. */
  adoptMs: number;
}

export interface RecoveryResult {
  breaks: number;
  healed: number;
  /** The refresh interval the break waits out at most before it is noticed (Exact's rules ×1/100). */
  refreshGapMs: number;
  samples: RecoverySample[];
  totalP50Ms?: number;
  totalP95Ms?: number;
  detectionP50Ms?: number;
  healP50Ms?: number;
  healP95Ms?: number;
  launchP50Ms?: number;
  loginP50Ms?: number;
  adoptP50Ms?: number;
  /** Why a break was not healed, when one was not. */
  failures: string[];
}

async function waitForStatus(
  stack: Stack,
  alias: string,
  done: (status: ContainerStatus) => boolean,
): Promise<ContainerStatus> {
  const handle = stack.client.client.workflow.getHandle(containerWorkflowId(alias));
  const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
  for (;;) {
    const status = await handle.query(statusQuery);
    if (done(status)) return status;
    if (Date.now() > deadline) throw new Error(`status ${status.status}: ${status.reauthReason ?? 'no reason'}`);
    await sleep(POLL_MS);
  }
}

/**
 * Breaks the chains of containers that hold sealed credentials, one at a time at a random point of their refresh
 * cycle, and times how long each takes to heal itself in real headless Chromium.
 */
export async function measureRecovery(stack: Stack, breaks: number): Promise<RecoveryResult> {
  const target = stack.recovery;
  const specs: ContainerSpec[] = [];
  for (let i = 0; i < breaks; i++) {
    const user = newUser(target, 'heal');
    const credentials = sealCredentials(stack.orgKeys.current, {
      username: user.username,
      password: user.password,
      totpSecret: user.totpSecret,
    });
    const spec = { alias: user.username, user, grant: { code: authorizationCode(stack, target, user) }, credentials };
    // One at a time: at 1/100 of real time an authorization code lives 1.8 s.
    // Exact's rules at 1/100 come from the worker's configuration of host `recovery`, not from input.
    await enrollContainers(stack, target, [spec], undefined);
    specs.push(spec);
  }
  const gapMs = nominalGapMs(target.rules);
  const samples: RecoverySample[] = [];
  const failures: string[] = [];
  for (const spec of specs) {
    const before = await waitForStatus(stack, spec.alias, (s) => s.status === 'healthy' && s.refreshes >= 1);
    await sleep(Math.random() * gapMs);
    const brokenAt = Date.now();
    target.sim.control.breakChain({ clientId: stack.app.clientId, username: spec.user.username, how: 'invalidate' });
    try {
      await waitForStatus(stack, spec.alias, (s) => s.status === 'healthy' && s.chain === (before.chain ?? 0) + 1);
      const healedAt = Date.now();
      const counters = target.sim.control.counters();
      // An invalidated chain's token names no user any more; breaks run one at a time, so the first such call is ours.
      const detectedAt = counters.tokenCalls.find(
        (call) =>
          call.outcome === 'invalid-chain' &&
          call.atMs >= brokenAt &&
          (call.username === undefined || call.username === spec.user.username),
      )?.atMs;
      if (detectedAt === undefined) throw new Error('healed without a refresh that found the break');
      const passwordAt = counters.logins.find(
        (login) => login.userId === spec.user.id && login.step === 'password' && login.atMs >= detectedAt,
      )?.atMs;
      const exchangedAt = counters.tokenCalls.find(
        (call) =>
          call.username === spec.user.username && call.grantType === 'authorization_code' && call.atMs >= detectedAt,
      )?.atMs;
      if (passwordAt === undefined || exchangedAt === undefined) throw new Error('healed without a login and exchange');
      samples.push({
        totalMs: healedAt - brokenAt,
        detectionMs: detectedAt - brokenAt,
        healMs: healedAt - detectedAt,
        launchMs: passwordAt - detectedAt,
        loginMs: exchangedAt - passwordAt,
        adoptMs: healedAt - exchangedAt,
      });
      progress(
        `recovery ${samples.length}/${breaks}: ${healedAt - brokenAt} ms (found after ${detectedAt - brokenAt} ms)`,
      );
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      progress(`recovery failed: ${failures.at(-1)}`);
    }
  }
  const pick = (key: keyof RecoverySample, p: number) =>
    round(
      percentile(
        samples.map((s) => s[key]),
        p,
      ),
      0,
    );
  return {
    breaks,
    healed: samples.length,
    refreshGapMs: round(gapMs, 0)!,
    samples,
    totalP50Ms: pick('totalMs', 50),
    totalP95Ms: pick('totalMs', 95),
    detectionP50Ms: pick('detectionMs', 50),
    healP50Ms: pick('healMs', 50),
    healP95Ms: pick('healMs', 95),
    launchP50Ms: pick('launchMs', 50),
    loginP50Ms: pick('loginMs', 50),
    adoptP50Ms: pick('adoptMs', 50),
    failures,
  };
}
