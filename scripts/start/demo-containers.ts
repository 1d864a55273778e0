import { WorkflowNotFoundError } from '@temporalio/client';
import type { LoginCredentials } from '../../src/credentials/credentials';
import type { Simulator } from '../../src/simulator';
import { DEMO_APP_ID, DEMO_CONTAINERS, demoUsername } from '../../src/simulator/demo';
import type { ChainkeeperClient } from '../../src/temporal/client';
import { containerWorkflowId, dataContainer } from '../../workflows';
import { enrollCredentialsUpdate, renewAuthorizationUpdate, statusQuery } from '../../workflows/container/messages';
import type { ContainerOptions, SealedCredentialsInput } from '../../workflows/container/types';

// Shared with `chainkeeper demo break`, which finds the demo users by the same names.
export { DEMO_APP_ID, DEMO_CONTAINERS } from '../../src/simulator/demo';

interface DemoOptions {
  ck: ChainkeeperClient;
  simulator: Simulator;
  seal: (credentials: LoginCredentials) => SealedCredentialsInput;
  /** Per-container options; Exact's rules come from the worker (CHAINKEEPER_TIME_SCALE). @default none */
  options?: ContainerOptions;
}

/** Enrolls the demo containers that are not enrolled yet; a restart leaves running ones alone. */
export async function enrollDemoContainers({ ck, simulator, seal, options }: DemoOptions) {
  const app = simulator.state.findApp(DEMO_APP_ID);
  if (!app) throw new Error('the simulator has no demo app');
  const results: { alias: string; summary: string }[] = [];
  for (const demo of DEMO_CONTAINERS) {
    const username = demoUsername(demo.alias);
    const user =
      simulator.state.findUserByName(username) ??
      simulator.control.addUser({ username, password: `demo-${crypto.randomUUID()}` });
    const handle = await ck.client.workflow.start(dataContainer, {
      taskQueue: ck.taskQueue,
      workflowId: containerWorkflowId(demo.alias),
      // The worker maps host `simulator` to this simulator (demo containers from before host keys hold its URL).
      args: [{ alias: demo.alias, exact: { host: 'simulator', app: 'default' }, options }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Demo container ${demo.alias} on the Exact Online simulator`,
    });
    let status = await handle.query(statusQuery).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
    if (status?.chain === undefined) {
      const { code } = simulator.control.authorize({ clientId: app.clientId, username });
      status = await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code }] });
    }
    if (demo.credentials && !status.credentials) {
      const receipt = await handle.executeUpdate(enrollCredentialsUpdate, {
        args: [seal({ username, password: user.password, totpSecret: user.totpSecret })],
      });
      status = { ...status, credentials: { expiresAt: receipt.expiresAt ?? '', rejected: false } };
    }
    const credentials = status.credentials ? `, credentials until ${status.credentials.expiresAt}` : '';
    results.push({ alias: demo.alias, summary: `${status.status}, chain ${status.chain}${credentials}` });
  }
  return results;
}
