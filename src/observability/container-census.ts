import type { Logger } from '../log';
import type { ChainStatus } from '../../contract/container';
import { CHAIN_STATUSES, type ChainkeeperMetrics } from './metrics';

/**
 * Counts workflows matching a visibility query, e.g. `(query) => client.workflow.count(query)` with a Temporal
 * client.
 */
export type WorkflowCounter = (query: string) => Promise<{ count: number }>;

export interface ContainerCensusOptions {
  /** The visibility count call. */
  count: WorkflowCounter;
  /** Where the counts go. */
  metrics: Pick<ChainkeeperMetrics, 'setContainers' | 'censusCompleted'>;
  /** Failures of a census round are logged here (warn), once per round. */
  log: Logger;
  /** Time between two rounds; a round starts only after the previous one ended. @default 60_000 */
  intervalMs?: number;
  /** Workflow type of a data container. @default 'dataContainer' */
  workflowType?: string;
  /** Epoch ms, for the census timestamp. @default Date.now */
  now?: () => number;
}

export interface ContainerCensus {
  /** Counts every status once now; statuses whose count failed keep their last value. */
  runOnce(): Promise<CensusRound>;
  /** Stops the schedule and waits for a round in progress. */
  stop(): Promise<void>;
}

export interface CensusRound {
  counts: Partial<Record<ChainStatus, number>>;
  /** Statuses whose count failed this round. */
  failed: ChainStatus[];
}

/** The visibility query counting running containers with `status` (uses the ChainStatus search attribute). */
export function censusQuery(status: ChainStatus, workflowType = 'dataContainer'): string {
  return `WorkflowType="${workflowType}" AND ExecutionStatus="Running" AND ChainStatus="${status}"`;
}

/**
 * Keeps `chainkeeper_containers{status}` up to date from Temporal visibility: one count per status every
 * `intervalMs`, the first right away. Errors never stop it; the gauge then keeps the last known values and the
 * census timestamp stops moving, which is what an alert should watch.
 */
export function startContainerCensus(options: ContainerCensusOptions): ContainerCensus {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function runOnce(): Promise<CensusRound> {
    const round: CensusRound = { counts: {}, failed: [] };
    const errors: string[] = [];
    await Promise.all(
      CHAIN_STATUSES.map(async (status) => {
        try {
          const { count } = await options.count(censusQuery(status, options.workflowType));
          options.metrics.setContainers(status, count);
          round.counts[status] = count;
        } catch (error) {
          round.failed.push(status);
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }),
    );
    if (round.failed.length === 0) {
      options.metrics.censusCompleted(now());
    } else {
      options.log.warn(
        { failedStatuses: round.failed, error: errors[0] },
        'container census: counting failed; chainkeeper_containers keeps the last values',
      );
    }
    return round;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      // Each count's failure is caught and logged in runOnce; a failing logger must not end the schedule either.
      running = runOnce()
        .catch(() => undefined)
        .finally(() => {
          running = undefined;
          schedule(intervalMs);
        });
    }, delayMs);
    // The census alone must not keep a process alive.
    timer.unref();
  }

  schedule(0);
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
