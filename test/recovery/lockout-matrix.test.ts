import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerHarness } from '../support/container-harness';
import { httpPageDriver } from '../support/http-page-driver';
import { OUTCOMES, SITE_VARIANTS } from './login-behaviours';
import { expectInvariant, runLockoutMatrix, type CaseRecord } from './lockout-matrix';

/**
 * The lockout invariant through the real container and recovery workflows on the time-skipping server: for
 * every generated login site and every way a login can end, right credentials heal the chain, and over 30
 * simulated days a credentials entry never has more than one password submission that no next page confirmed.
 * The logins run on a fast page driver (HTTP and a DOM, no browser) that reads pages with the same code as
 * Chromium; lockout-matrix-chromium.test.ts runs a slice of the same matrix in real headless Chromium.
 *
 * Every site is its own app of the simulator, so all behaviours run side by side and share the waits.
 */
describe('lockout-proof recovery on login sites it has never seen (time-skipping, fast page driver)', () => {
  let h: ContainerHarness;
  const records: CaseRecord[] = [];

  beforeAll(async () => {
    const run = await runLockoutMatrix({ variants: SITE_VARIANTS, outcomes: OUTCOMES, pageDriver: httpPageDriver() });
    h = run.harness;
    records.push(...run.records);
    const wrong = records.filter((r) => r.outcome.kind !== 'right');
    const most = Math.max(...wrong.map((r) => r.passwordSubmitsAfter30Days));
    console.log(
      `lockout matrix: ${records.length} behaviours; at most ${most} password submission(s) per credentials ` +
        `entry that failed, over 30 days`,
    );
  }, 900_000);
  afterAll(async () => {
    await h?.close();
  });

  it('runs at least 200 behaviours', () => {
    expect(records.length).toBeGreaterThanOrEqual(200);
  });

  for (const variant of SITE_VARIANTS) {
    it(`${variant.name}: heals with the right credentials; never submits an unconfirmed password twice in 30 days`, () => {
      expectInvariant(records.filter((r) => r.variant === variant.name));
    });
  }
});
