import { afterEach, describe, expect, it } from 'vitest';
import { sealCredentials } from '../../src/credentials/credentials';
import { enrollCredentialsUpdate, renewAuthorizationUpdate, statusQuery } from '../../workflows/container/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';
import { httpPageDriver } from '../support/http-page-driver';

const MINUTE_MS = 60 * 1000;

/**
 * TOTP on Exact's clock, through the real container and recovery workflows: Exact's clock is 90 s away from the
 * worker's (three TOTP steps, beyond the one step either side Exact accepts), and the recovery still logs in at
 * the first code, because the worker learns the offset from the Date headers of Exact's answers.
 */
describe('a recovery login when the worker clock is 90 s off Exact', () => {
  let h: ContainerHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const offsetMs of [90_000, -90_000]) {
    const how = offsetMs > 0 ? 'behind' : 'ahead of';
    it(`heals at the first code with the worker ${how} Exact`, async () => {
      h = await createContainerHarness({
        simulator: { clockOffsetMs: offsetMs },
        recovery: { pageDriver: httpPageDriver(), loginTimeoutMs: 20_000, evidenceDir: undefined },
      });
      const user = h.newUser();
      const handle = await h.startContainer('skewed');
      await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
      const credentials = { username: user.username, password: user.password, totpSecret: user.totpSecret };
      await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealCredentials(h.orgKeys.current, credentials)] });
      await h.env.sleep(12 * MINUTE_MS);
      h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'rotate' });
      await h.env.sleep(15 * MINUTE_MS);

      expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', chain: 2 });
      const codes = h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === 'totp');
      expect(codes).toHaveLength(1);
    }, 60_000);
  }
});
