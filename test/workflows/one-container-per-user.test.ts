/**
 * Issue 11, point 5: one container per Exact user and app. Exact keeps one chain per app and user, and a new
 * authorization ends the previous chain: two containers for one user would heal each other in turn, a browser
 * login each time. Time-skipping server, the simulator over real HTTP, real headless Chromium logins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealCredentials } from '../../src/credentials/credentials';
import type { SimUser } from '../../src/simulator';
import type { Vault } from '../../src/vault/vault';
import { EXACT_USER_MEMO } from '../../contract/container';
import { enrollCredentialsUpdate, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/** The same store with the guard taken out: every identity is "recorded", none ever refused. */
function withoutGuard(vault: Vault): Vault {
  return new Proxy(vault, {
    get(target, property, receiver) {
      if (property === 'recordIdentity') return () => Promise.resolve({ outcome: 'recorded' });
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  });
}

async function twoContainersForOneUser(h: ContainerHarness, prefix: string) {
  const user = h.newUser();
  const sealed = () =>
    sealCredentials(h.orgKeys.current, {
      username: user.username,
      password: user.password,
      totpSecret: user.totpSecret,
    });
  const first = await h.startContainer(`${prefix}-a`);
  await first.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
  await first.executeUpdate(enrollCredentialsUpdate, { args: [sealed()] });
  await h.env.sleep(12 * MINUTE_MS);
  // The mistake: a second container for the same Exact user, given only that user's credentials. It logs in at
  // once (it has no chain), and that new authorization ends the first container's chain.
  const second = await h.startContainer(`${prefix}-b`);
  await second.executeUpdate(enrollCredentialsUpdate, { args: [sealed()] });
  return { user, first, second };
}

function loginsOf(h: ContainerHarness, user: SimUser): number {
  return h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === 'totp' && l.ok).length;
}

describe('two containers for one Exact user, without the guard (time-skipping, Chromium)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness({ wrapVault: withoutGuard });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('heal each other in turn: every recovery of one breaks the other', async () => {
    const { user, first, second } = await twoContainersForOneUser(h, 'pingpong');
    await h.env.sleep(3 * HOUR_MS);
    const a = await first.query(statusQuery);
    const b = await second.query(statusQuery);
    // Each login ended the other's chain; only the daily cap of 3 logins per container stopped it.
    expect((a.recoveries ?? 0) + (b.recoveries ?? 0)).toBeGreaterThanOrEqual(4);
    expect(loginsOf(h, user)).toBeGreaterThanOrEqual(4);
    console.log(`without the guard: ${loginsOf(h, user)} logins in 3 hours (a: ${a.status}, b: ${b.status})`);
  }, 300_000);
});

describe('two containers for one Exact user, with the guard (time-skipping, Chromium)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stops the second after its recovery, naming the first; the first heals once and stays healthy', async () => {
    const { user, first, second } = await twoContainersForOneUser(h, 'guarded');
    await h.env.sleep(3 * HOUR_MS);
    const b = await second.query(statusQuery);
    expect(b.status).toBe('needs-reauth');
    expect(b.duplicateOf).toBe('guarded-a');
    expect(b.reauthReason).toMatch(/belongs to Exact user ".*" of app "default", whose chain container guarded-a/);
    expect(b.recoveries).toBe(1);
    const a = await first.query(statusQuery);
    expect(a).toMatchObject({ status: 'healthy', chain: 2, recoveries: 1 });
    // Two logins in all: the second container's (refused) and the first's, which healed the chain it had ended.
    expect(loginsOf(h, user)).toBe(2);
    expect((await h.vault.listAudit('guarded-b')).some((e) => e.kind === 'duplicate-user')).toBe(true);

    // The first shows its Exact user and division in status, current details and memo (for `chainkeeper list`).
    expect(a.exactUser).toEqual({ userId: user.id, userName: user.username, division: user.division });
    const metadata = await first.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain(`| Exact user | ${user.username}, division ${user.division} |`);
    const memo = (await first.describe()).memo;
    expect(memo?.[EXACT_USER_MEMO]).toEqual(a.exactUser);
  }, 300_000);

  it('refuses a second enrollment for the same user, naming the first container', async () => {
    const user = h.newUser();
    const first = await h.startContainer('owner');
    await first.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const second = await h.startContainer('copy');
    const refused = await second.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] }).then(
      () => undefined,
      (error: unknown) => error as Error & { cause?: Error },
    );
    expect(refused?.cause?.message).toMatch(/whose chain container owner already keeps/);
    const status = await second.query(statusQuery);
    expect(status).toMatchObject({ status: 'needs-reauth', duplicateOf: 'owner' });
    expect(status.exactUser).toBeUndefined();

    // Terminated, the first gives up its user: the second may now take it.
    await first.terminate('replaced by copy');
    const renewed = await second.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    expect(renewed).toMatchObject({ status: 'healthy', exactUser: { userName: user.username } });
    expect(renewed.duplicateOf).toBeUndefined();
  });
});
