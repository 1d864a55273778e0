import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverChain } from '../../activities/recover-chain';
import { sealCredentials } from '../../src/credentials/credentials';
import type { SimUser } from '../../src/simulator';
import type { RecoveryInput } from '../../workflows/container/types';
import {
  enrollCredentialsUpdate,
  pauseSignal,
  renewAuthorizationUpdate,
  statusQuery,
} from '../../workflows/container/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';
import { httpPageDriver } from '../support/http-page-driver';
import { OUTCOMES, outcomeName, SITE_VARIANTS, type Outcome } from './login-behaviours';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The lockout invariant through the real container and recovery workflows on the time-skipping server: for
 * every generated login site and every way a login can end, right credentials heal the chain, and over 30
 * simulated days a credentials entry never has more than one password submission that no next page confirmed.
 * The logins run on a fast page driver (HTTP and a DOM, no browser) that reads pages with the same code as
 * Chromium; login-matrix-chromium.test.ts runs a slice of the same matrix in real headless Chromium.
 */
// Not yet in the default run: the first batches ran (every outcome ended on hold with at most one password
// submission) but the run stalled in the 30-day phase; the note says what is left.
describe.skip('lockout-proof recovery on login sites it has never seen (time-skipping, fast page driver)', () => {
  let h: ContainerHarness;
  /** Aliases whose next login "loses its worker" right after the given submit. */
  const killAfter = new Map<string, 'password' | 'totp'>();
  const hung: (() => void)[] = [];

  beforeAll(async () => {
    h = await createContainerHarness({
      recovery: { pageDriver: httpPageDriver(), loginTimeoutMs: 10_000, evidenceDir: undefined },
      wrap: (activities, deps) => ({
        ...activities,
        async recoverChain(input: RecoveryInput) {
          const step = killAfter.get(input.alias);
          if (step === undefined) return activities.recoverChain(input);
          killAfter.delete(input.alias);
          // A dead worker: the login goes on until the submit (which the site never answers), and the activity
          // neither answers nor heartbeats again; only Temporal's heartbeat timeout ends it.
          void recoverChain(deps, input).catch(() => undefined);
          await new Promise<void>((resolve) => hung.push(resolve));
          throw new Error('released at the end of the test');
        },
      }),
    });
  });
  afterAll(async () => {
    for (const release of hung) release();
    await h?.close();
  });

  function submits(user: SimUser, step: 'password' | 'totp'): number {
    return h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === step).length;
  }
  const passwordSubmits = (user: SimUser) => submits(user, 'password');

  /** Enrolls a container with credentials shaped by the outcome, and arms what should go wrong. */
  async function prepare(alias: string, outcome: Outcome) {
    const user = h.newUser();
    const handle = await h.startContainer(alias);
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
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
    if (outcome.kind === 'killed') killAfter.set(alias, outcome.after);
    return { user, handle };
  }

  for (const [v, variant] of SITE_VARIANTS.entries()) {
    it(`${variant.name}: heals with the right credentials; never submits an unconfirmed password twice in 30 days`, async () => {
      h.sim.control.setLoginSite(variant.style);
      const cases = await Promise.all(
        OUTCOMES.map(async (outcome, o) => ({ outcome, ...(await prepare(`m${v}-${o}`, outcome)) })),
      );
      await h.env.sleep(12 * MINUTE_MS);
      for (const { user } of cases) {
        h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'rotate' });
      }
      // Long enough for a refresh to find the break, the login, a heartbeat timeout and a second attempt.
      await h.env.sleep(15 * MINUTE_MS);

      for (const { outcome, user, handle } of cases) {
        const status = await handle.query(statusQuery);
        const label = `${variant.name} / ${outcomeName(outcome)}`;
        if (outcome.kind === 'right') {
          expect(status, label).toMatchObject({ status: 'healthy', chain: 2 });
          expect(passwordSubmits(user), label).toBe(1);
          await handle.signal(pauseSignal, 'matrix: healed, kept still for the 30 days');
        } else {
          expect(status.status, label).toBe('needs-reauth');
          expect(status.credentials?.rejected, `${label}: on hold`).toBe(true);
          expect(passwordSubmits(user), label).toBeLessThanOrEqual(1);
        }
      }

      await h.env.sleep(30 * DAY_MS);
      for (const { outcome, user } of cases) {
        const label = `${variant.name} / ${outcomeName(outcome)} after 30 days`;
        expect(passwordSubmits(user), label).toBeLessThanOrEqual(1);
        expect(submits(user, 'totp'), label).toBeLessThanOrEqual(1);
      }
    }, 180_000);
  }
});
