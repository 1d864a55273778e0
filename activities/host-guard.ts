import type { ExactTarget } from '../contract/container';
import type { ExactGateway } from './exact-gateway';
import { FAILURE_TYPES } from '../contract/failures';
import { chainkeeperFailure } from './failures';

/**
 * Refuses a container whose host the worker does not know, before anything is read or sent: no token, secret or
 * password may go to a host the input chose. Misconfigured, so the container waits for an admin.
 */
export function refuseUnknownHost(exact: ExactGateway, alias: string, target: ExactTarget): void {
  const found = exact.host(target);
  if (found.ok) return;
  throw chainkeeperFailure(FAILURE_TYPES.misconfigured, `nothing was sent for ${alias}: ${found.problem}.`, {
    tokenCallMade: false,
  });
}
