import { QueryRejectedError, WorkflowClient, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { containerWorkflowId, dataContainer } from '../../workflows';
import { enrollCredentialsUpdate, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import type { ContainerInput, ContainerStatus } from '../../contract/container';
import type { CredentialsReceipt } from '../../contract/messages';
import type { RenewAuthorizationInput, SealedCredentialsInput, SealedRefreshTokenInput } from '../../contract/sealed';
import type { FileGrant } from './rows';

/** What bulk enrollment needs from the containers: look one up, start it, hand it a chain and credentials. */
export interface ContainerAdmin {
  /** The container's status, or undefined when no workflow runs for it. */
  describe(alias: string): Promise<ContainerStatus | undefined>;
  /**
   * Starts the container's workflow (a running one is left as it is) and answers its status once it has read
   * its journal: a container restarted over a journal that holds a chain already has one.
   */
  start(input: ContainerInput): Promise<ContainerStatus>;
  /** `renewAuthorization`: a new chain from a refresh token (sealed on the way) or an authorization code. */
  renew(alias: string, grant: FileGrant): Promise<ContainerStatus>;
  /** `enrollCredentials`: login credentials for auto-recovery, sealed. */
  setCredentials(alias: string, sealed: SealedCredentialsInput): Promise<CredentialsReceipt>;
}

/** The container refused a request (a spent code, bad input, …); the message is the workflow's, without secrets. */
export class ContainerRefusedError extends Error {
  override readonly name = 'ContainerRefusedError';
  constructor(
    readonly alias: string,
    message: string,
  ) {
    super(message);
  }
}

/** A started container did not show that it read its journal in time (no worker on its task queue?). */
export class ContainerStartTimeoutError extends Error {
  override readonly name = 'ContainerStartTimeoutError';
}

export interface TemporalContainerAdminOptions {
  /** How long a started container may take to read its journal before the row fails. @default 60_000 */
  startTimeoutMs?: number;
  /**
   * Seals a row's refresh token to the organization key (e.g. `sealRefreshToken` bound to the current public key);
   * it may throw why it cannot. @default none: rows with a refresh token fail, saying a key is needed
   */
  sealRefreshToken?: (refreshToken: string) => SealedRefreshTokenInput;
}

/** Longest pause between two status queries while a started container reads its journal. */
const MAX_POLL_MS = 250;

/**
 * True once the workflow has read its journal. Before that it answers its fresh state (refreshing, no chain);
 * after, it has a chain or waits for one (needs-reauth), or is paused.
 */
function journalRead(status: ContainerStatus): boolean {
  return status.chain !== undefined || status.status !== 'refreshing';
}

/** A {@link ContainerAdmin} over Temporal: container workflows on `taskQueue`, IDs `container/<alias>`. */
export function createTemporalContainerAdmin(
  client: Client,
  taskQueue: string,
  options: TemporalContainerAdminOptions = {},
): ContainerAdmin {
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  // A closed workflow still answers queries (from its history); only a running one is a container.
  const workflows = new WorkflowClient({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: client.options.dataConverter,
    identity: client.options.identity,
    interceptors: client.options.interceptors.workflow,
    queryRejectCondition: 'NOT_OPEN',
  });
  const handle = (alias: string) => workflows.getHandle<typeof dataContainer>(containerWorkflowId(alias));
  const sealed = (grant: FileGrant): RenewAuthorizationInput => {
    if ('code' in grant) return grant;
    if (!options.sealRefreshToken) {
      throw new Error('a refresh token is sent only sealed, and no organization public key was given to seal it');
    }
    return options.sealRefreshToken(grant.refreshToken);
  };

  const refusedAsTyped = (alias: string) => (error: unknown) => {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new ContainerRefusedError(alias, error.cause?.message ?? error.message);
    }
    throw error;
  };

  return {
    async describe(alias) {
      try {
        return await handle(alias).query(statusQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError || error instanceof QueryRejectedError) return undefined;
        throw error;
      }
    },
    async start(input) {
      const started = await workflows.start(dataContainer, {
        taskQueue,
        workflowId: containerWorkflowId(input.alias),
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `Exact Online chain of ${input.alias}`,
      });
      // A renewal that arrives while the new workflow still reads its journal is overwritten by what it read
      // (no chain yet); waiting also tells whether a journal from an earlier run already holds a chain.
      const deadline = Date.now() + startTimeoutMs;
      for (let pauseMs = 50; ; pauseMs = Math.min(pauseMs * 2, MAX_POLL_MS)) {
        const status = await started.query(statusQuery);
        if (journalRead(status)) return status;
        if (Date.now() + pauseMs > deadline) {
          throw new ContainerStartTimeoutError(
            `container ${input.alias} was started but did not read its journal within ${startTimeoutMs / 1000} s: ` +
              `is a chainkeeper worker polling task queue ${taskQueue}?`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    },
    renew: async (alias, grant) =>
      handle(alias)
        .executeUpdate(renewAuthorizationUpdate, { args: [sealed(grant)] })
        .catch(refusedAsTyped(alias)),
    setCredentials: (alias, sealed) =>
      handle(alias)
        .executeUpdate(enrollCredentialsUpdate, { args: [sealed] })
        .catch(refusedAsTyped(alias)),
  };
}
