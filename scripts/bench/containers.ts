import { randomUUID } from 'node:crypto';
import { sealRefreshToken } from '../../src/credentials/refresh-token';
import { createTokenClient } from '../../src/exact';
import { enrollRows, type RowResult } from '../../src/enrollment/apply';
import { createTemporalContainerAdmin } from '../../src/enrollment/container-admin';
import type { EnrollmentRow } from '../../src/enrollment/rows';
import type { SimUser } from '../../src/simulator';
import { containerWorkflowId } from '../../workflows';
import type { ContainerOptions, SealedCredentialsInput } from '../../workflows/container/types';
import type { BenchSimulator, Stack } from './stack';

/**
 * Containers for the phases: one simulator user per container (Exact allows one chain per app and user, and
 * its limits count per user and division), enrolled through the same code path as `chainkeeper enroll`.
 */

let nextDivision = 1;

/** A new user with a division of its own, so per-division API limits never couple two containers. */
export function newUser(target: BenchSimulator, prefix: string): SimUser {
  return target.sim.control.addUser({
    username: `${prefix}-${randomUUID().slice(0, 8)}`,
    password: `pw-${randomUUID()}`,
    division: nextDivision++,
  });
}

/** A fresh authorization code, as the browser login would produce. */
export function authorizationCode(stack: Stack, target: BenchSimulator, user: SimUser): string {
  return target.sim.control.authorize({ clientId: stack.app.clientId, username: user.username }).code;
}

/** Code exchanges tried per chain: at 1/500 of real time a code lives 0.36 s, which a busy simulator may exceed. */
const EXCHANGE_ATTEMPTS = 5;

/** Starts a chain outside chainkeeper (as an admin who pasted a refresh token would) and returns its refresh token. */
export async function refreshTokenFor(stack: Stack, target: BenchSimulator, user: SimUser): Promise<string> {
  const tokens = createTokenClient({ ...stack.app, baseUrl: target.baseUrl });
  for (let attempt = 1; ; attempt++) {
    const outcome = await tokens.exchangeCode(authorizationCode(stack, target, user));
    if (outcome.kind === 'ok') return outcome.value.refreshToken;
    if (attempt === EXCHANGE_ATTEMPTS) {
      throw new Error(`the simulator refused ${attempt} code exchanges in a row (${outcome.kind})`);
    }
  }
}

export interface ContainerSpec {
  alias: string;
  user: SimUser;
  grant: EnrollmentRow['grant'];
  credentials?: SealedCredentialsInput;
}

/** Enrolls containers with `enrollRows` (16 at a time, its default) and fails unless every row was enrolled. */
export async function enrollContainers(
  stack: Stack,
  target: BenchSimulator,
  specs: readonly ContainerSpec[],
  options: ContainerOptions | undefined,
): Promise<RowResult[]> {
  // As `chainkeeper enroll` does: a refresh token travels only sealed to the organization key.
  const admin = createTemporalContainerAdmin(stack.client.client, stack.taskQueue, {
    sealRefreshToken: (refreshToken) => sealRefreshToken(stack.orgKeys.current, refreshToken),
  });
  const rows: EnrollmentRow[] = specs.map((spec, index) => ({
    line: index + 1,
    alias: spec.alias,
    exact: { host: target.hostKey, app: 'default' },
    grant: spec.grant,
    ...(spec.credentials ? { credentials: spec.credentials } : {}),
  }));
  const results = await enrollRows(rows, admin, { containerOptions: options });
  const failed = results.filter((result) => result.outcome !== 'enrolled');
  if (failed.length > 0) {
    const first = failed[0]!;
    throw new Error(`${failed.length} of ${rows.length} containers were not enrolled; first: ${first.reason}`);
  }
  return results;
}

/** Terminates containers (and so stops their timers), a few dozen at a time. */
export async function terminateContainers(stack: Stack, aliases: readonly string[]): Promise<void> {
  let next = 0;
  const work = async () => {
    while (next < aliases.length) {
      const alias = aliases[next++]!;
      await stack.client.client.workflow
        .getHandle(containerWorkflowId(alias))
        .terminate('benchmark phase finished')
        .catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 32 }, work));
}
