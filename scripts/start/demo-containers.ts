import { WorkflowNotFoundError } from '@temporalio/client';
import type { LoginCredentials } from '../../src/credentials/credentials';
import type { Simulator } from '../../src/simulator';
import type { ChainkeeperClient } from '../../src/temporal/client';
import { containerWorkflowId, dataContainer } from '../../workflows';
import { enrollCredentialsUpdate, renewAuthorizationUpdate, statusQuery } from '../../workflows/container/messages';
import type { ContainerOptions, SealedCredentialsInput } from '../../workflows/container/types';

/** Client id of the simulator's demo app (Exact's are braced GUIDs; any text works for the simulator). */
export const DEMO_APP_ID = '{chainkeeper-demo}';

/** The demo containers of the embedded default; the last one has credentials, so it heals itself. */
export const DEMO_CONTAINERS = [
  { alias: 'demo-1', credentials: false },
  { alias: 'demo-2', credentials: false },
  { alias: 'demo-3', credentials: true },
] as const;

interface DemoOptions {
  ck: ChainkeeperClient;
  simulator: Simulator;
  seal: (credentials: LoginCredentials) => SealedCredentialsInput;
  /** Per-container options (scaled rules when CHAINKEEPER_TIME_SCALE < 1). @default none */
  options?: ContainerOptions;
}

/** Enrolls the demo containers that are not enrolled yet; a restart leaves running ones alone. */
export async function enrollDemoContainers({ ck, simulator, seal, options }: DemoOptions) {
  const app = simulator.state.findApp(DEMO_APP_ID);
  if (!app) throw new Error('the simulator has no demo app');
  const results: { alias: string; summary: string }[] = [];
  for (const demo of DEMO_CONTAINERS) {
    const username = `${demo.alias}@demo.example`;
    const user =
      simulator.state.findUserByName(username) ??
      simulator.control.addUser({ username, password: `demo-${crypto.randomUUID()}` });
    const handle = await ck.client.workflow.start(dataContainer, {
      taskQueue: ck.taskQueue,
      workflowId: containerWorkflowId(demo.alias),
      args: [{ alias: demo.alias, exact: { baseUrl: simulator.baseUrl, app: 'default' }, options }],
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
