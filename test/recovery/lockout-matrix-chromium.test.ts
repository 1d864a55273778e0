import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerHarness } from '../support/container-harness';
import { OUTCOMES, SITE_VARIANTS } from './login-behaviours';
import { expectInvariant, runLockoutMatrix, type CaseRecord } from './lockout-matrix';

/** Sites the profiles do not know, so the logins read the pages by meaning: one per flow that has two origins. */
const CHROMIUM_VARIANTS = SITE_VARIANTS.filter((v) =>
  ['hybrid: other markup, nl, error elsewhere', 'b2c: other markup, de, six code inputs'].includes(v.name),
);

/**
 * A slice of the lockout matrix (lockout-matrix.test.ts) with the logins in real headless Chromium: the same
 * workflows, sites and outcomes, the browser the worker runs in production.
 */
describe('lockout-proof recovery in real headless Chromium (time-skipping)', () => {
  let h: ContainerHarness;
  const records: CaseRecord[] = [];

  beforeAll(async () => {
    // Four browsers side by side at most, beside the two logins whose worker "dies" and keeps its slot.
    const run = await runLockoutMatrix({ variants: CHROMIUM_VARIANTS, outcomes: OUTCOMES, maxConcurrentActivities: 6 });
    h = run.harness;
    records.push(...run.records);
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  it('runs at least 20 behaviours in Chromium', () => {
    expect(CHROMIUM_VARIANTS).toHaveLength(2);
    expect(records.length).toBeGreaterThanOrEqual(20);
  });

  for (const variant of CHROMIUM_VARIANTS) {
    it(`${variant.name}: heals with the right credentials; never submits an unconfirmed password twice in 30 days`, () => {
      expectInvariant(records.filter((r) => r.variant === variant.name));
    });
  }
});
