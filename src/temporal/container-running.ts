import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { containerWorkflowId } from '../../workflows';

/**
 * Whether container `alias` still runs, for the activities' one-container-per-Exact-user rule: a terminated
 * container gives up its user. When Temporal cannot tell (unreachable), it counts as running: refusing a second
 * container is the safe mistake.
 */
export function containerRunningOn(client: Client): (alias: string) => Promise<boolean> {
  return async (alias) => {
    try {
      const description = await client.workflow.getHandle(containerWorkflowId(alias)).describe();
      return description.status.name === 'RUNNING';
    } catch (error) {
      return !(error instanceof WorkflowNotFoundError);
    }
  };
}
