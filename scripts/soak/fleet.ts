import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { sealCredentials } from '../../src/credentials/credentials';
import type { OrgKey } from '../../src/crypto/keys';
import type { Simulator, SimApp, SimUser } from '../../src/simulator';
import { containerWorkflowId, dataContainer } from '../../workflows';
import { enrollCredentialsUpdate, renewAuthorizationUpdate } from '../../workflows/container/messages';
import type { ContainerOptions } from '../../workflows/container/types';
import { mapPool, retrying } from './pool';
import type { SecretList } from './secret-list';

/** One data container of the soak and the simulator user behind it. */
export interface SoakContainer {
  alias: string;
  workflowId: string;
  username: string;
  userId: string;
}

export interface FleetSettings {
  sim: Simulator;
  app: SimApp;
  client: Client;
  taskQueue: string;
  /** The organization key credentials are sealed to. */
  orgKey: Pick<OrgKey, 'keyId' | 'publicKey'>;
  containerOptions: ContainerOptions;
  secrets: SecretList;
}

const ENROLL_ATTEMPTS = 13;
const ENROLL_PAUSE_MS = 5000;

/** Divisions of the soak's users start here, one company each, so API rate limits count per container. */
const FIRST_DIVISION = 100_000;

export function aliasOf(index: number): string {
  return `soak-${String(index).padStart(4, '0')}`;
}

/** N simulator users, each with a password and TOTP secret the secret list records. */
export function createUsers(settings: FleetSettings, count: number): SimUser[] {
  return Array.from({ length: count }, (_, index) => {
    const alias = aliasOf(index);
    const user = settings.sim.control.addUser({
      username: `${alias}@soak.example`,
      password: randomBytes(18).toString('base64url'),
      division: FIRST_DIVISION + index,
    });
    settings.secrets.add('password', `password of ${alias}`, user.password);
    settings.secrets.add('totp-secret', `TOTP secret of ${alias}`, user.totpSecret);
    return user;
  });
}

/**
 * Starts one container workflow per user and enrolls it as an admin would: an authorization code
 * (`renewAuthorization`), then credentials sealed to the organization key (`enrollCredentials`), so a broken
 * chain can heal itself.
 */
export async function enrollFleet(
  settings: FleetSettings,
  users: SimUser[],
  concurrency = 8,
): Promise<SoakContainer[]> {
  const { sim, app, client } = settings;
  // Patient retries: on a loaded machine a workflow task can time out, and an update is refused while the task is
  // retried ("Workflow Task in failed state"); a minute covers that without hiding a real failure.
  const patiently = <R>(work: () => Promise<R>) => retrying(ENROLL_ATTEMPTS, ENROLL_PAUSE_MS, work);
  return mapPool(users, concurrency, async (user, index) => {
    const alias = aliasOf(index);
    const handle = await patiently(() =>
      client.workflow.start(dataContainer, {
        taskQueue: settings.taskQueue,
        workflowId: containerWorkflowId(alias),
        // The worker maps `simulator` to the soak's simulator (CHAINKEEPER_SIMULATOR_ORIGINS).
        args: [{ alias, exact: { host: 'simulator', app: 'default' }, options: settings.containerOptions }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    );
    await patiently(async () => {
      const { code } = sim.control.authorize({ clientId: app.clientId, username: user.username });
      await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code }] });
    });
    const sealed = sealCredentials(settings.orgKey, {
      username: user.username,
      password: user.password,
      totpSecret: user.totpSecret,
    });
    await patiently(() => handle.executeUpdate(enrollCredentialsUpdate, { args: [sealed] }));
    return { alias, workflowId: handle.workflowId, username: user.username, userId: user.id };
  });
}
