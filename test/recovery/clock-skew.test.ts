import { afterEach, describe, expect, it } from 'vitest';
import { statusQuery } from '../../workflows/container/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';
import { httpPageDriver } from '../support/http-page-driver';
import { breakAndRecover } from './break-and-recover';

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
      const { user, handle } = await breakAndRecover(h, 'skewed');

      expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', chain: 2 });
      const codes = h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === 'totp');
      expect(codes).toHaveLength(1);
    }, 60_000);
  }
});
