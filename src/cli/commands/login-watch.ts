import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { recoveryWorkflowId } from '../../../workflows/recovery/recovery-workflow';

/** How often the CLI looks at a running login's progress. */
const POLL_MS = 500;

/** Step names as an admin reads them. */
const STEP_LABELS: Readonly<Record<string, string>> = {
  username: 'user name',
  password: 'password',
  totp: 'code',
  consent: 'consent',
};

export function stepLabel(step: string): string {
  return STEP_LABELS[step] ?? step;
}

/** The steps the running login's heartbeat reports, or undefined when there is none to read yet. */
async function stepsSoFar(client: Client, workflowId: string): Promise<string[] | undefined> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    const payloads = description.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads as Payload[] | undefined;
    if (!payloads?.length) return undefined;
    let decoded = payloads;
    for (const codec of [...(client.options.dataConverter.payloadCodecs ?? [])].reverse()) {
      decoded = await codec.decode(decoded);
    }
    const details = defaultPayloadConverter.fromPayload<{ steps?: unknown }>(decoded[0]!);
    return Array.isArray(details?.steps) ? details.steps.filter((s): s is string => typeof s === 'string') : undefined;
  } catch {
    return undefined; // not started yet, or already gone: the final answer prints what is left
  }
}

/**
 * Prints each login step as it passes (`user name ✓`), by reading the heartbeat of recovery `recovery/<alias>/<n>`
 * for the n that starts next, until `done` settles. Returns the steps it printed.
 */
export async function watchLogin(
  client: Client,
  alias: string,
  nextRecovery: number,
  done: Promise<unknown>,
  print: (line: string) => void,
): Promise<string[]> {
  const printed: string[] = [];
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  const workflowId = recoveryWorkflowId(alias, nextRecovery);
  while (!finished) {
    const steps = (await stepsSoFar(client, workflowId)) ?? [];
    for (const step of steps.slice(printed.length)) {
      printed.push(step);
      print(`  ${stepLabel(step)} ✓`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return printed;
}
