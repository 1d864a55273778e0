import { sealCredentials } from '../../src/credentials/credentials';
import { enrollCredentialsUpdate, renewAuthorizationUpdate } from '../../workflows/container/messages';
import type { ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;

/**
 * A container with a chain and its user's right credentials, whose chain Exact breaks 12 minutes on; returns
 * after 15 more minutes, long enough for a refresh to find the break and the recovery login to end.
 */
export async function breakAndRecover(h: ContainerHarness, alias: string) {
  const user = h.newUser();
  const handle = await h.startContainer(alias);
  await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
  const credentials = { username: user.username, password: user.password, totpSecret: user.totpSecret };
  await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealCredentials(h.orgKeys.current, credentials)] });
  await h.env.sleep(12 * MINUTE_MS);
  h.sim.control.breakChain({ clientId: h.app.clientId, username: user.username, how: 'rotate' });
  await h.env.sleep(15 * MINUTE_MS);
  return { user, handle };
}
