import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealCredentials } from '../../src/credentials/credentials';
import type { SimUser } from '../../src/simulator';
import {
  enrollCredentialsUpdate,
  renewAuthorizationUpdate,
  retryRecoveryUpdate,
  statusQuery,
  verifyCredentialsUpdate,
} from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';
import { httpPageDriver } from '../support/http-page-driver';

const MINUTE_MS = 60 * 1000;

/** The message of a failed update (its cause carries the workflow's words). */
async function refusal(update: Promise<unknown>): Promise<string> {
  const error = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return (error as WorkflowUpdateFailedError).cause?.message ?? '';
}

describe('an admin verifies credentials or asks for one more try (time-skipping, fast page driver)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness({ recovery: { pageDriver: httpPageDriver(), loginTimeoutMs: 10_000 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function enrolled(alias: string, user: SimUser, password: string) {
    const handle = await h.startContainer(alias);
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const sealed = sealCredentials(h.orgKeys.current, {
      username: user.username,
      password,
      totpSecret: user.totpSecret,
    });
    await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealed] });
    return handle;
  }
  const passwordSubmits = (user: SimUser) =>
    h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === 'password').length;

  it('logs in now, reports each step and moves the container to the new chain', async () => {
    const user = h.newUser();
    const handle = await enrolled('verified', user, user.password);
    const receipt = await handle.executeUpdate(verifyCredentialsUpdate, { args: [] });
    expect(receipt).toMatchObject({ alias: 'verified', chain: 2 });
    expect(receipt.steps).toEqual(expect.arrayContaining(['password', 'totp']));
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', chain: 2 });
  });

  it('shows a wrong password at once, and never spends more than the day cap of logins however often asked', async () => {
    const user = h.newUser();
    const handle = await enrolled('verified-wrong', user, `${user.password}-typo`);
    const first = await refusal(handle.executeUpdate(verifyCredentialsUpdate, { args: [] }));
    expect(first).toMatch(/password step \(credentials-rejected\)/);
    expect(first).not.toContain(user.password);
    expect((await handle.query(statusQuery)).credentials?.rejected).toBe(true);
    // The chain itself was never broken: the container stays healthy on its chain.
    expect((await handle.query(statusQuery)).status).toBe('healthy');

    for (let i = 0; i < 2; i++) await refusal(handle.executeUpdate(verifyCredentialsUpdate, { args: [] }));
    const capped = await refusal(handle.executeUpdate(verifyCredentialsUpdate, { args: [] }));
    expect(capped).toMatch(/used today's 3 logins/);
    expect(passwordSubmits(user)).toBe(3);
  });

  it('lifts the hold for one login when asked, and not past the day cap', async () => {
    const user = h.newUser();
    const handle = await enrolled('retry-once', user, `${user.password}-typo`);
    await h.env.sleep(12 * MINUTE_MS);
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'rotate' });
    await h.env.sleep(10 * MINUTE_MS);
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'needs-reauth', credentials: { rejected: true } });
    expect(passwordSubmits(user)).toBe(1);

    // An hour later nothing has been tried again; each retryRecovery buys exactly one login, three a day in all.
    await h.env.sleep(60 * MINUTE_MS);
    expect(passwordSubmits(user)).toBe(1);
    for (let i = 0; i < 4; i++) {
      await handle.executeUpdate(retryRecoveryUpdate, { args: [] });
      await h.env.sleep(5 * MINUTE_MS);
    }
    expect(passwordSubmits(user)).toBe(3);
  });
});
