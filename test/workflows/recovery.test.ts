import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealCredentials } from '../../src/credentials/credentials';
import type { SimUser } from '../../src/simulator';
import { enrollCredentialsUpdate, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;

describe('auto-recovery of a broken chain (time-skipping, simulator, real headless Chromium)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function enrolledWithCredentials(alias: string, user: SimUser, password = user.password) {
    const handle = await h.startContainer(alias);
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const sealed = sealCredentials(h.orgKeys.current, {
      username: user.username,
      password,
      totpSecret: user.totpSecret,
    });
    await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealed] });
    await h.env.sleep(12 * MINUTE_MS);
    return handle;
  }

  it('logs in with the stored credentials and a TOTP code and carries on with a new chain', async () => {
    const user = h.newUser();
    const handle = await enrolledWithCredentials('self-healing', user);
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'invalidate' });
    await h.env.sleep(10 * MINUTE_MS);

    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ status: 'healthy', chain: 2 });
    const child = h.env.client.workflow.getHandle('recovery/self-healing/1');
    expect((await child.describe()).status.name).toBe('COMPLETED');
    const logins = h.sim.control.counters().logins.filter((l) => l.userId === user.id);
    expect(logins.map((l) => [l.step, l.ok])).toEqual([
      ['password', true],
      ['totp', true],
    ]);
    expect((await h.vault.listAudit('self-healing')).some((e) => e.kind === 'recovered')).toBe(true);
  });

  it('tries a wrong password exactly once, then waits for a human with the step and the page error', async () => {
    const user = h.newUser();
    const handle = await enrolledWithCredentials('wrong-password', user, `${user.password}-typo`);
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'rotate' });
    await h.env.sleep(10 * MINUTE_MS);

    const status = await handle.query(statusQuery);
    expect(status.status).toBe('needs-reauth');
    expect(status.reauthReason).toMatch(/password step \(credentials-rejected\)/);
    expect(status.reauthReason).toMatch(/incorrect/i);
    expect(status.reauthReason).not.toContain(user.password);
    expect(status.credentials?.rejected).toBe(true);

    // A day later nothing has been tried again: rejected credentials wait to be re-entered.
    await h.env.sleep(26 * 60 * MINUTE_MS);
    const attempts = h.sim.control.counters().logins.filter((l) => l.userId === user.id);
    expect(attempts).toEqual([expect.objectContaining({ step: 'password', ok: false })]);
    expect((await handle.query(statusQuery)).status).toBe('needs-reauth');
  });

  it('after a failed recovery tries a recovery again, never a refresh with the broken token', async () => {
    const user = h.newUser();
    const handle = await enrolledWithCredentials('retries-recovery', user);
    // The login pages are down: the recovery fails for a passing reason and waits an hour.
    h.sim.control.addFault({ route: 'auth', kind: '5xx', count: 50 });
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'rotate' });
    await h.env.sleep(10 * MINUTE_MS);
    expect((await handle.query(statusQuery)).status).toBe('needs-reauth');
    const refusedBefore = h.sim.control.counters().oldRefreshTokenPresented;

    h.sim.control.clearFaults();
    await h.env.sleep(70 * MINUTE_MS);
    expect(h.sim.control.counters().oldRefreshTokenPresented).toBe(refusedBefore);
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', chain: 2 });
  });
});
