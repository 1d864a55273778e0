import type { DataConverter } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { requireTool } from '../../src/temporal/tools';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * A time-skipping test environment on the project's own test-server binary (the SDK cannot download one here),
 * with chainkeeper's search attributes registered. Time is global to the environment: one per test file,
 * tests inside it run one after another.
 */
export async function createTimeSkipping(
  options: { dataConverter?: DataConverter } = {},
): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireTool('testServer') } },
    client: options.dataConverter ? { dataConverter: options.dataConverter } : undefined,
  });
  const searchAttributes: Record<string, number> = {};
  for (const key of SEARCH_ATTRIBUTES) searchAttributes[key.name] = encodeSearchAttributeIndexedValueType(key.type)!;
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
  return env;
}
