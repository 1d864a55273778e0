/**
 * `chainkeeper demo break <alias>`: breaks a demo container's chain through the control API of a simulator
 * running in-process, set up as `npm start` sets up its demo app and users.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { breakDemoChain } from '../../src/cli/commands/demo';
import { DEMO_APP_ID, demoUsername } from '../../src/simulator/demo';
import { Harness, REDIRECT_URI } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
  h.sim.control.addApp({ clientId: DEMO_APP_ID, redirectUri: REDIRECT_URI });
});
afterEach(async () => h.stop());

/** A live chain of a demo container's user; returns its refresh token. */
async function demoChain(alias: string): Promise<string> {
  const username = demoUsername(alias);
  h.sim.control.addUser({ username, password: 'demo-pw' });
  const app = h.sim.state.findApp(DEMO_APP_ID);
  const { code } = h.sim.control.authorize({ clientId: DEMO_APP_ID, username });
  const answer = await h.exchange(code, { client_id: DEMO_APP_ID, client_secret: app?.clientSecret ?? '' });
  return (JSON.parse(answer.body) as { refresh_token: string }).refresh_token;
}

describe('demo break', () => {
  it('breaks demo-3 so its refresh token is old, and says what to watch', async () => {
    const refreshToken = await demoChain('demo-3');
    const line = await breakDemoChain({ simulatorUrl: h.baseUrl, alias: 'demo-3', uiUrl: 'http://127.0.0.1:8233' });
    expect(line).toBe(
      'demo-3: chain broken on the simulator (someone else refreshed it, so its refresh token is now old); at its ' +
        'next refresh (within 9.5 minutes) watch the child recovery/demo-3/<n> in the Web UI (http://127.0.0.1:8233): ' +
        'the status goes recovering → healthy on a new chain.',
    );
    h.advanceS(600);
    const app = h.sim.state.findApp(DEMO_APP_ID);
    const refresh = await h.refresh(refreshToken, { client_id: DEMO_APP_ID, client_secret: app?.clientSecret ?? '' });
    expect(JSON.parse(refresh.body)).toEqual({
      error: 'unauthorized_client',
      error_description: 'Old refresh token used.',
    });
  });

  it('says a container without credentials goes to needs-reauth, and scales the wait with the time scale', async () => {
    await demoChain('demo-1');
    const line = await breakDemoChain({ simulatorUrl: h.baseUrl, alias: 'demo-1', how: 'invalidate', timeScale: 0.01 });
    expect(line).toContain('(Exact no longer knows it: invalid chainId)');
    expect(line).toContain('within 6 seconds');
    expect(line).toContain('needs-reauth');
  });

  it('refuses an alias that is not a demo container, and explains a demo user the simulator lacks', async () => {
    await expect(breakDemoChain({ simulatorUrl: h.baseUrl, alias: 'acme' })).rejects.toThrow(
      /"acme" is not a demo container: use one of demo-1, demo-2, demo-3/,
    );
    await expect(breakDemoChain({ simulatorUrl: h.baseUrl, alias: 'demo-2' })).rejects.toThrow(
      /did not break demo-2's chain: no user named demo-2@demo\.example/,
    );
  });

  it('names the address when no simulator answers there', async () => {
    const url = h.baseUrl;
    await h.stop();
    await expect(breakDemoChain({ simulatorUrl: url, alias: 'demo-3' })).rejects.toThrow(
      new RegExp(`cannot reach the simulator at ${url.replaceAll('.', '\\.')}`),
    );
  });
});
