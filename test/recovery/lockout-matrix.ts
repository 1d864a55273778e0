/**
 * Runs login-site behaviours through the real container and recovery workflows on the time-skipping server, all
 * side by side (each site is its own app of the simulator), and records what the invariant is about: the
 * container's state after the recovery and the credential submissions over 30 simulated days.
 */
import { expect } from 'vitest';
import { recoverChain } from '../../activities/recover-chain';
import type { LoginPageFactory } from '../../src/browser/page-driver';
import { sealCredentials } from '../../src/credentials/credentials';
import type { SimUser } from '../../src/simulator';
import type { ContainerStatus, RecoveryInput } from '../../workflows/container/types';
import {
  enrollCredentialsUpdate,
  pauseSignal,
  renewAuthorizationUpdate,
  statusQuery,
} from '../../workflows/container/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';
import { outcomeName, type Outcome, type SiteVariant } from './login-behaviours';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** What one container went through: its site, its outcome, and the counts the invariant is about. */
export interface CaseRecord {
  variant: string;
  outcome: Outcome;
  /** The container's status once the break was found and the recovery had ended. */
  afterRecovery: { status: string; chain: number | undefined; onHold: boolean | undefined };
  passwordSubmitsAfterRecovery: number;
  passwordSubmitsAfter30Days: number;
  totpSubmitsAfter30Days: number;
}

export async function runLockoutMatrix(options: {
  variants: readonly SiteVariant[];
  outcomes: readonly Outcome[];
  /** @default real headless Chromium */
  pageDriver?: LoginPageFactory;
  /** Simulated days the containers live on after the recovery. @default 30 */
  days?: number;
  /** Logins side by side at most (each real browser costs a core's share). @default the SDK's */
  maxConcurrentActivities?: number;
}): Promise<{ harness: ContainerHarness; records: CaseRecord[] }> {
  const { variants, outcomes } = options;
  /** Aliases whose next login "loses its worker" right after the given submit. */
  const killAfter = new Set<string>();
  const hung: (() => void)[] = [];
  const appOf = (v: number) => `site-${v}`;
  const h = await createContainerHarness({
    moreApps: variants.map((_, v) => appOf(v)),
    timeoutsMs: 10_000,
    maxConcurrentActivities: options.maxConcurrentActivities,
    // Generous: hundreds of logins share two cores, and a right login cut short after its submit would go on hold.
    recovery: { pageDriver: options.pageDriver, loginTimeoutMs: 60_000, evidenceDir: undefined },
    wrap: (activities, deps) => ({
      ...activities,
      async recoverChain(input: RecoveryInput) {
        if (!killAfter.delete(input.alias)) return activities.recoverChain(input);
        // A dead worker: the login goes on until the submit (which the site never answers), and the activity
        // neither answers nor heartbeats again; only Temporal's heartbeat timeout ends it.
        void recoverChain(deps, input).catch(() => undefined);
        await new Promise<void>((resolve) => hung.push(resolve));
        throw new Error('released when the matrix closes');
      },
    }),
  });
  const close = h.close.bind(h);
  h.close = async () => {
    for (const release of hung) release();
    await close();
  };

  const submits = (user: SimUser, step: 'password' | 'totp') =>
    h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === step).length;

  /** Enrolls a container with credentials shaped by the outcome, and arms what should go wrong. */
  async function prepare(alias: string, app: string, outcome: Outcome) {
    const user = h.newUser();
    const handle = await h.startContainer(alias, undefined, { host: 'simulator', app });
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user, app) }] });
    const credentials = {
      username: user.username,
      password: outcome.kind === 'wrong-password' ? `${user.password}-typo` : user.password,
      totpSecret: outcome.kind === 'wrong-totp' ? 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' : user.totpSecret,
    };
    await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealCredentials(h.orgKeys.current, credentials)] });
    if (outcome.kind === 'locked') h.sim.control.lockUser(user.username);
    if (outcome.kind === 'fault' || outcome.kind === 'killed') {
      const kind = outcome.kind === 'fault' ? outcome.fault : 'hang';
      h.sim.control.addLoginFault({ after: outcome.after, kind, username: user.username, count: 1 });
    }
    if (outcome.kind === 'killed') killAfter.add(alias);
    return { user, handle };
  }

  const cases: ({ variant: string; outcome: Outcome; clientId: string } & Awaited<ReturnType<typeof prepare>>)[] = [];
  for (const [v, variant] of variants.entries()) {
    h.sim.control.setLoginSite(variant.style, { clientId: h.apps[appOf(v)]!.clientId });
    for (const [o, outcome] of outcomes.entries()) {
      const { clientId } = h.apps[appOf(v)]!;
      cases.push({ variant: variant.name, outcome, clientId, ...(await prepare(`m${v}-${o}`, appOf(v), outcome)) });
    }
  }
  await h.env.sleep(12 * MINUTE_MS);
  for (const { clientId, user } of cases) {
    h.sim.control.breakChain({ clientId, username: user.username, how: 'rotate' });
  }
  // Until every recovery has ended (a refresh finds the break, the login, a heartbeat timeout, a second attempt);
  // on a busy machine an Exact call may time out first and the container retry, so wait in steps, up to 3 hours.
  const ended = (status: ContainerStatus, i: number) =>
    cases[i]!.outcome.kind === 'right'
      ? status.status === 'healthy' && status.chain === 2
      : status.status === 'needs-reauth';
  let statuses: ContainerStatus[] = [];
  for (let waitedMs = 0; waitedMs < 3 * 60 * MINUTE_MS; waitedMs += 15 * MINUTE_MS) {
    await h.env.sleep(15 * MINUTE_MS);
    statuses = await Promise.all(cases.map(({ handle }) => handle.query(statusQuery)));
    if (statuses.every(ended)) break;
  }

  const records: CaseRecord[] = [];
  for (const [i, { variant, outcome, user, handle }] of cases.entries()) {
    const status = statuses[i]!;
    records.push({
      variant,
      outcome,
      afterRecovery: { status: status.status, chain: status.chain, onHold: status.credentials?.rejected },
      passwordSubmitsAfterRecovery: submits(user, 'password'),
      passwordSubmitsAfter30Days: 0,
      totpSubmitsAfter30Days: 0,
    });
    if (outcome.kind === 'right') await handle.signal(pauseSignal, 'matrix: healed, kept still for the 30 days');
  }

  await h.env.sleep((options.days ?? 30) * DAY_MS);
  for (const [i, { user }] of cases.entries()) {
    records[i]!.passwordSubmitsAfter30Days = submits(user, 'password');
    records[i]!.totpSubmitsAfter30Days = submits(user, 'totp');
  }
  return { harness: h, records };
}

/** Right credentials healed the chain with one login; anything else left the entry on hold after at most one submit. */
export function expectInvariant(records: readonly CaseRecord[]): void {
  expect(records.length).toBeGreaterThan(0);
  for (const r of records) {
    const label = `${r.variant} / ${outcomeName(r.outcome)}`;
    if (r.outcome.kind === 'right') {
      expect(r.afterRecovery, label).toMatchObject({ status: 'healthy', chain: 2 });
      expect(r.passwordSubmitsAfterRecovery, label).toBe(1);
    } else {
      expect(r.afterRecovery.status, label).toBe('needs-reauth');
      expect(r.afterRecovery.onHold, `${label}: on hold`).toBe(true);
    }
    expect(r.passwordSubmitsAfter30Days, `${label}: password submissions over 30 days`).toBeLessThanOrEqual(1);
    expect(r.totpSubmitsAfter30Days, `${label}: code submissions over 30 days`).toBeLessThanOrEqual(1);
  }
}
