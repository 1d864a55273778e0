import { Context } from '@temporalio/activity';

/** How often a long activity tells Temporal it is alive; well inside the workflow's heartbeat timeout. */
export const HEARTBEAT_EVERY_MS = 5_000;

/**
 * Runs `work` while heartbeating, so Temporal notices a dead worker within the heartbeat timeout instead of the
 * whole start-to-close timeout. `details` (never a secret) go with every heartbeat; `work` may call `beat` to send
 * them at once when they change (the SDK still throttles). Outside an activity (plain unit tests) it just runs.
 */
export async function whileHeartbeating<T>(
  work: (beat: () => void) => Promise<T>,
  details: () => unknown = () => undefined,
  everyMs = HEARTBEAT_EVERY_MS,
): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return work(() => undefined);
  }
  const beat = () => context.heartbeat(details());
  beat();
  const timer = setInterval(beat, everyMs);
  try {
    return await work(beat);
  } finally {
    clearInterval(timer);
  }
}

/** The running activity's cancellation (cancel, heartbeat timeout, worker shutdown); none outside an activity. */
export function activityCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}
