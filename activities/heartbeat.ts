import { Context } from '@temporalio/activity';

/** How often a long activity tells Temporal it is alive; well inside the workflow's heartbeat timeout. */
export const HEARTBEAT_EVERY_MS = 5_000;

/**
 * Runs `work` while heartbeating, so Temporal notices a dead worker within the heartbeat timeout instead of the
 * whole start-to-close timeout. Outside an activity (plain unit tests) it just runs `work`.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, everyMs = HEARTBEAT_EVERY_MS): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
