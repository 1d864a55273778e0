import type { ContainerRun } from './container-run';
import type { ClassifiedFailure } from './failures';

/**
 * One container per Exact user and app: a chain found to belong to a user whose chain another container keeps
 * stops this container (it would end that container's chain at each new authorization, and that one this one's,
 * a ping-pong of browser logins). It waits for an admin: no refresh, no automatic login, until a renewal or new
 * credentials (see recoveryDueAt).
 */
export function stopAsDuplicate(run: ContainerRun, failure: ClassifiedFailure): void {
  run.state.duplicateOf = failure.facts.duplicateOf ?? 'another container';
  run.state.chainLost = true;
  run.needsReauth(failure.message);
}
