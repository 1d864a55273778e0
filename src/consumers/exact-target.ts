import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { HostTable } from '../exact/known-hosts';
import type { ExactTarget } from '../proxy/targets';
import { containerWorkflowId, type ContainerInput } from '../../contract/container';
import { ContainerNotFoundError } from './errors';

/** A container's input names a host this machine's configuration does not know: no token is sent there. */
export class UnknownExactHostError extends Error {
  override readonly name = 'UnknownExactHostError';
  constructor(
    readonly alias: string,
    problem: string,
  ) {
    super(`container "${alias}": ${problem}`);
  }
}

/**
 * Where container `alias` reaches Exact Online: the host its running workflow's input names (the first event of
 * the current run, decoded with the client's payload codec), mapped to a base URL by `hosts`, the same table the
 * worker uses, so the input never decides where a token goes. The one place that knows where a container's
 * Exact host comes from.
 */
export async function findExactTarget(client: Client, alias: string, hosts: HostTable): Promise<ExactTarget> {
  const workflowId = containerWorkflowId(alias);
  let runId: string;
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    if (description.status.name !== 'RUNNING') throw new ContainerNotFoundError(alias);
    runId = description.runId;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ContainerNotFoundError(alias);
    throw error;
  }
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const input = await decodeFromPayloadsAtIndex<ContainerInput>(client.options.loadedDataConverter, 0, payloads);
  const found = hosts.lookup({ host: input.exact.host, baseUrl: input.exact.baseUrl });
  if (!found.ok) throw new UnknownExactHostError(alias, found.problem);
  return { baseUrl: found.host.baseUrl, app: input.exact.app ?? 'default' };
}
