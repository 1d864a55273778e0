import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealCredentials } from '../../src/credentials/credentials';
import { enrollCredentialsUpdate, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { CREDENTIALS_EXPIRE_AT } from '../../workflows/search-attributes';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

describe('sealed credentials live 30 days (time-skipping)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('deletes them at day 30, extends them on re-entry at day 29, and afterwards a broken chain needs a human', async () => {
    const user = h.newUser();
    // Refresh twice a day: the chain stays alive and thirty days pass in few cycles.
    const handle = await h.startContainer('thirty-days', { refreshIntervalMs: 12 * HOUR_MS });
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const sealed = () =>
      sealCredentials(h.orgKeys.current, {
        username: user.username,
        password: user.password,
        totpSecret: user.totpSecret,
      });

    const t0 = await h.env.currentTimeMs();
    const first = await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealed()] });
    expect(Date.parse(first.expiresAt!) - t0).toBeGreaterThanOrEqual(30 * DAY_MS - 60_000);
    expect(Date.parse(first.expiresAt!) - t0).toBeLessThanOrEqual(30 * DAY_MS + 60_000);
    expect(await h.vault.getCredentials('thirty-days', new Date(t0))).toBeDefined();

    await h.env.sleep(29 * DAY_MS);
    const again = await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealed()] });
    expect(Date.parse(again.expiresAt!)).toBeGreaterThan(Date.parse(first.expiresAt!) + 28 * DAY_MS);

    // Day 31: past the first expiry, the re-entered credentials are still there.
    await h.env.sleep(2 * DAY_MS);
    expect((await handle.query(statusQuery)).credentials?.expiresAt).toBe(again.expiresAt);
    expect(await h.vault.getCredentials('thirty-days', new Date(t0))).toBeDefined();
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(CREDENTIALS_EXPIRE_AT)?.toISOString()).toBe(again.expiresAt);

    // Day 60: thirty days after re-entry the row is gone (asked for at t0, so "expired" cannot hide it).
    await h.env.sleep(29 * DAY_MS);
    expect(await h.vault.getCredentials('thirty-days', new Date(t0))).toBeUndefined();
    const status = await handle.query(statusQuery);
    expect(status.credentials).toBeUndefined();
    expect((await handle.describe()).typedSearchAttributes.get(CREDENTIALS_EXPIRE_AT)).toBeUndefined();
    expect((await h.vault.listAudit('thirty-days')).some((e) => e.kind === 'credentials-deleted')).toBe(true);

    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'rotate' });
    await h.env.sleep(13 * HOUR_MS);
    const broken = await handle.query(statusQuery);
    expect(broken.status).toBe('needs-reauth');
    expect(broken.reauthReason).toMatch(/renewAuthorization/);
    expect(h.sim.control.counters().logins).toEqual([]);
  });

  it('refuses plaintext or malformed credentials without failing the workflow', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('plain-credentials');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const password = `pw-${user.password}`;
    const attempts: unknown[] = [
      { username: user.username, password, totpSecret: user.totpSecret },
      { sealedBox: 'not base64!', keyId: h.orgKeys.current.keyId },
      { sealedBox: 'A'.repeat(100), keyId: 'nope' },
      // Well-formed, but sealed to nobody this worker knows: refused by the activity, not the validator.
      { sealedBox: 'A'.repeat(100), keyId: '0123456789abcdef' },
    ];
    for (const input of attempts) {
      const error = await handle.executeUpdate(enrollCredentialsUpdate, { args: [input as never] }).then(
        () => undefined,
        (err: unknown) => err as Error & { cause?: Error },
      );
      const message = String(error?.cause?.message ?? error?.message);
      expect(message).toMatch(/enrollCredentials/);
      expect(message).not.toContain(password);
    }
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ status: 'healthy' });
    expect(status.credentials).toBeUndefined();
  });
});
