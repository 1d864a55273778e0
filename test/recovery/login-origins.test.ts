import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../src/simulator';
import { statusQuery } from '../../workflows/container/messages';
import type { ContainerStatus } from '../../workflows/container/types';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';
import { httpPageDriver } from '../support/http-page-driver';
import { breakAndRecover } from './break-and-recover';

/**
 * Credentials go only into pages of the login origins the worker allows: a login that is sent on to another
 * origin (here the hybrid flow's password site, on a port the worker was not told about) stops before anything
 * is typed there, and the container says which address it refused, through the real workflows.
 */
describe('a recovery login sent to an origin the worker does not allow', () => {
  let h: ContainerHarness;
  let user: SimUser;
  let status: ContainerStatus;
  let passwordOrigin: string;

  beforeAll(async () => {
    h = await createContainerHarness({
      simulator: { loginVariant: 'hybrid' },
      loginOrigins: (origins) => origins.slice(0, 1),
      recovery: { pageDriver: httpPageDriver(), loginTimeoutMs: 20_000, evidenceDir: undefined },
    });
    passwordOrigin = h.sim.loginOrigins[1]!;
    const recovered = await breakAndRecover(h, 'elsewhere');
    user = recovered.user;
    status = await recovered.handle.query(statusQuery);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('types no password on it', () => {
    expect(passwordOrigin).toBeDefined();
    const passwords = h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === 'password');
    expect(passwords).toHaveLength(0);
  });

  it('leaves the chain waiting for an admin, naming the refused address', () => {
    expect(status.status).toBe('needs-reauth');
    expect(`${status.reauthReason ?? ''} ${status.lastError?.message ?? ''}`).toContain(passwordOrigin);
  });
});
