import type { Client } from '@temporalio/client';
import { dataContainer } from '../../../workflows';
import { CHAIN_STATUS, CREDENTIALS_EXPIRE_AT } from '../../../workflows/search-attributes';
import { EXACT_USER_MEMO } from '../../../contract/container';
import { exactUserText } from '../../../workflows/container/details';
import { CHAIN_STATUSES, type ChainStatus, type ExactUser } from '../../../contract/container';
import { UsageError } from '../alias';

export { CHAIN_STATUSES };

/** One running container as the visibility store sees it (search attributes; never a secret). */
export interface ContainerRow {
  alias: string;
  workflowId: string;
  /** ChainStatus; absent until the workflow first publishes it. */
  status?: string;
  /** ISO 8601; absent when no credentials are stored. */
  credentialsExpireAt?: string;
  /** ISO 8601 start of the current run. */
  runningSince: string;
  /** The chain's Exact user and division ("jdoe, division 123"), from the container's memo, once known. */
  exactUser?: string;
}

const CONTAINER_PREFIX = 'container/';

export function checkStatus(status: string): ChainStatus {
  const found = CHAIN_STATUSES.find((candidate) => candidate === status);
  if (!found)
    throw new UsageError(`--status must be one of ${CHAIN_STATUSES.join(', ')}; got "${status.slice(0, 40)}".`);
  return found;
}

/** The visibility query for running containers, narrowed by a status and by the admin's own query. */
export function containersQuery(filter: { status?: string; query?: string }): string {
  const parts = [`WorkflowType = "${dataContainer.name}"`, 'ExecutionStatus = "Running"'];
  if (filter.status !== undefined) parts.push(`ChainStatus = "${checkStatus(filter.status)}"`);
  if (filter.query !== undefined) {
    if (filter.query.trim() === '')
      throw new UsageError('--query is empty: give a visibility query such as ChainStatus="retrying".');
    parts.push(`(${filter.query})`);
  }
  return parts.join(' AND ');
}

/** Every container matching `query`, from the visibility store (eventually consistent: a change shows within seconds). */
export async function findContainers(client: Client, query: string): Promise<ContainerRow[]> {
  const rows: ContainerRow[] = [];
  for await (const info of client.workflow.list({ query })) {
    const id = info.workflowId;
    const expiry = info.typedSearchAttributes.get(CREDENTIALS_EXPIRE_AT);
    rows.push({
      alias: id.startsWith(CONTAINER_PREFIX) ? id.slice(CONTAINER_PREFIX.length) : id,
      workflowId: id,
      status: info.typedSearchAttributes.get(CHAIN_STATUS),
      credentialsExpireAt: expiry?.toISOString(),
      runningSince: info.startTime.toISOString(),
      exactUser: exactUserText({ exactUser: info.memo?.[EXACT_USER_MEMO] as ExactUser | undefined }),
    });
  }
  return rows.sort((a, b) => a.alias.localeCompare(b.alias));
}
