import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sealCredentials } from '../../src/credentials/credentials';
import { openAccessToken } from '../../src/crypto/consumer-keys';
import { scaleRules } from '../../src/exact/rules';
import type { SimUser } from '../../src/simulator';
import { scanText } from '../../src/leak-scan/scan';
import { requireTool } from '../../src/temporal/tools';
import { accessTokenQuery, enrollCredentialsUpdate, statusQuery } from '../../contract/messages';
import type { ContainerStatus } from '../../contract/container';
import { createDevServerHarness, type ContainerHandle, type DevServerHarness } from '../support/dev-server-harness';

// Exact's rules at 1/50 of real time (570 s → 11.4 s) in the simulator and the workflow alike; TOTP stays real.
const rules = scaleRules(0.02);
const TOTP_STEP_MS = 30_000;

async function waitForStatus(
  handle: ContainerHandle,
  done: (status: ContainerStatus) => boolean,
  timeoutMs = 90_000,
): Promise<ContainerStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await handle.query(statusQuery);
    if (done(status)) return status;
    if (Date.now() > deadline) throw new Error(`status still ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('auto-recovery end to end (dev server, worker, simulator, headless Chromium)', () => {
  let h: DevServerHarness;
  const secrets: string[] = [];
  const workflowIds: string[] = [];
  beforeAll(async () => {
    h = await createDevServerHarness({ address: inject('temporalAddress'), simulator: { rules } });
    secrets.push(h.app.clientSecret);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function containerWithCredentials(name: string): Promise<{ handle: ContainerHandle; user: SimUser }> {
    const alias = h.uniqueAlias(name);
    const { handle, user } = await h.enroll(alias);
    const sealed = sealCredentials(h.orgKeys.current, {
      username: user.username,
      password: user.password,
      totpSecret: user.totpSecret,
    });
    await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealed] });
    secrets.push(user.password, user.totpSecret);
    workflowIds.push(handle.workflowId);
    return { handle, user };
  }

  it('heals a chain the simulator broke and hands out a token that /Me accepts', async () => {
    const { handle, user } = await containerWithCredentials('heals');
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'invalidate' });

    const detected = await waitForStatus(handle, (s) => s.status === 'recovering' || s.status === 'needs-reauth');
    const detectedAt = Date.now();
    const healed = await waitForStatus(handle, (s) => s.status === 'healthy' && s.chain === 2);
    const seconds = (Date.now() - detectedAt) / 1000;
    console.log(`auto-recovery: ${seconds.toFixed(1)} s from detection (${detected.status}) to healthy`);
    expect(healed.reauthReason).toBeUndefined();
    workflowIds.push(`recovery/${handle.workflowId.slice('container/'.length)}/1`);

    const accessToken = openAccessToken(h.consumerKeys, (await handle.query(accessTokenQuery)).sealedAccessToken);
    secrets.push(accessToken, (await h.vault.readChain(healed.alias))!.refreshToken);
    const me = await fetch(`${h.baseUrl}/api/v1/current/Me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
  });

  it('never submits the same TOTP code twice when two recoveries fall in one 30 s step', async () => {
    const { handle, user } = await containerWithCredentials('twice');
    const totpLogins = () => h.sim.control.counters().logins.filter((l) => l.userId === user.id && l.step === 'totp');
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'invalidate' });
    await waitForStatus(handle, (s) => s.status === 'healthy' && s.chain === 2);
    const firstStep = Math.floor(totpLogins()[0]!.atMs / TOTP_STEP_MS);

    // Break the new chain at once: the next refresh, 11.4 s on, finds it broken while the first code's step
    // may still run. Whenever it does, the second login must wait for the next step.
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'invalidate' });
    await waitForStatus(handle, (s) => s.status === 'healthy' && s.chain === 3);
    const logins = totpLogins();
    expect(logins.map((l) => l.ok)).toEqual([true, true]);
    expect(Math.floor(logins[1]!.atMs / TOTP_STEP_MS)).toBeGreaterThan(firstStep);
    const alias = handle.workflowId.slice('container/'.length);
    workflowIds.push(`recovery/${alias}/1`, `recovery/${alias}/2`);
    const accessToken = openAccessToken(h.consumerKeys, (await handle.query(accessTokenQuery)).sealedAccessToken);
    secrets.push(accessToken);
  });

  it("heals on today's flow: the user name on the start host, password and code on another origin", async () => {
    const { handle, user } = await containerWithCredentials('hybrid');
    const site = h.sim.control.setLoginSite({ flow: 'hybrid' }, { clientId: h.app.clientId });
    expect(site.flow).toBe('hybrid');
    h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'invalidate' });
    await waitForStatus(handle, (s) => s.status === 'healthy' && s.chain === 2);
    const steps = h.sim.control.counters().logins.filter((l) => l.userId === user.id);
    expect(steps.map((l) => [l.step, l.ok])).toEqual([
      ['password', true],
      ['totp', true],
    ]);
    workflowIds.push(`recovery/${handle.workflowId.slice('container/'.length)}/1`);
    secrets.push(openAccessToken(h.consumerKeys, (await handle.query(accessTokenQuery)).sealedAccessToken));
  });

  it('leaves no password, TOTP secret, client secret or token in the exported histories', () => {
    expect(secrets.length).toBeGreaterThan(5);
    for (const workflowId of workflowIds) {
      const exported = execFileSync(
        requireTool('cli'),
        ['workflow', 'show', '--address', h.address, '--workflow-id', workflowId, '--output', 'json'],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      expect(exported).toContain(workflowId);
      const labelled = secrets.map((value, i) => ({ label: `secret ${i}`, value }));
      expect(scanText(exported, workflowId, labelled)).toEqual([]);
    }
  });
});
