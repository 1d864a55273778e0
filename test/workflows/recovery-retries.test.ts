import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealCredentials } from '../../src/credentials/credentials';
import type { SimUser } from '../../src/simulator';
import type { RecoveryInput } from '../../contract/activities';
import { enrollCredentialsUpdate, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;

/** What the next recoverChain call of a container does before (or instead of) the real login. */
type Mishap = 'worker-dies' | 'exchange-fails-after-processing' | 'exchange-fails-before-processing';

describe('a recovery that fails for a passing reason logs in again within a minute (time-skipping, Chromium)', () => {
  let h: ContainerHarness;
  const mishaps = new Map<string, Mishap>();
  const hung: (() => void)[] = [];

  beforeAll(async () => {
    h = await createContainerHarness({
      wrap: (activities) => ({
        ...activities,
        async recoverChain(input: RecoveryInput) {
          const mishap = mishaps.get(input.alias);
          mishaps.delete(input.alias);
          if (mishap === 'worker-dies') {
            // A dead worker sends no heartbeat and no answer: only Temporal's heartbeat timeout ends this attempt.
            await new Promise<void>((resolve) => hung.push(resolve));
            throw new Error('released at the end of the test');
          }
          if (mishap) {
            // The login's code exchange is the next token call.
            h.sim.control.addFault({
              route: 'token',
              kind: mishap === 'exchange-fails-after-processing' ? 'reset' : '5xx',
              afterProcessing: mishap === 'exchange-fails-after-processing',
              count: 1,
            });
          }
          return activities.recoverChain(input);
        },
      }),
    });
  });
  afterAll(async () => {
    for (const release of hung) release();
    await h?.close();
  });

  async function enrolledWithCredentials(alias: string, user: SimUser) {
    const handle = await h.startContainer(alias);
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const { username, password, totpSecret } = user;
    const sealed = sealCredentials(h.orgKeys.current, { username, password, totpSecret });
    await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealed] });
    await h.env.sleep(12 * MINUTE_MS);
    return handle;
  }

  async function breakAndWait(alias: string, mishap: Mishap) {
    const user = h.newUser();
    const handle = await enrolledWithCredentials(alias, user);
    mishaps.set(alias, mishap);
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'rotate' });
    // Well inside the hour a failed recovery would otherwise wait.
    await h.env.sleep(10 * MINUTE_MS);
    const logins = h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === 'totp');
    // One recovery did it: its child completed and no second one was started.
    const recovery = await h.env.client.workflow.getHandle(`recovery/${alias}/1`).describe();
    expect(recovery.status.name).toBe('COMPLETED');
    await expect(h.env.client.workflow.getHandle(`recovery/${alias}/2`).describe()).rejects.toThrow(/not found/i);
    return { status: await handle.query(statusQuery), logins };
  }

  it('notices a worker that died mid-login by its missing heartbeat and logs in again', async () => {
    const { status, logins } = await breakAndWait('worker-dies', 'worker-dies');
    expect(status).toMatchObject({ status: 'healthy', chain: 2 });
    expect(logins.map((l) => l.ok)).toEqual([true]);
    const child = h.env.client.workflow.getHandle('recovery/worker-dies/1');
    const events = (await child.fetchHistory()).events ?? [];
    expect(events.some((e) => e.activityTaskTimedOutEventAttributes)).toBe(true);
  });

  it('abandons a code whose exchange answer was lost and logs in again for a fresh one', async () => {
    const { status, logins } = await breakAndWait('exchange-lost', 'exchange-fails-after-processing');
    expect(status.status).toBe('healthy');
    // Two logins in different TOTP steps; the first code's chain was never heard of, the second one holds.
    expect(logins.map((l) => l.ok)).toEqual([true, true]);
    expect(new Set(logins.map((l) => Math.floor(l.atMs / 30_000))).size).toBe(2);
  });

  it('logs in again after the token endpoint failed the exchange before processing it', async () => {
    const { status, logins } = await breakAndWait('exchange-5xx', 'exchange-fails-before-processing');
    expect(status.status).toBe('healthy');
    expect(logins.map((l) => l.ok)).toEqual([true, true]);
  });
});
