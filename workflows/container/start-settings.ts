import { ApplicationFailure, patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { ContainerActivities } from '../../contract/activities';
import { EXACT_RULES } from '../../src/exact/rules';
import { FAILURE_TYPES } from '../../contract/failures';
import { continuedOptions, inputProblems, legacyOptions, normalizedInput, optionProblems } from './container-input';
import type { ResolvedOptions } from './schedule';
import type { ContainerInput, LegacyContainerInput } from '../../contract/container';

/**
 * Runs recorded before this patch took Exact's rules from their input; they replay and finish that way (clamped).
 * Every run since asks the worker, through a local activity, for its host and rules.
 */
export const RULES_FROM_WORKER_PATCH = 'rules-from-worker';

/** Reads only the worker's in-memory configuration: quick, and retried until a worker answers. */
const { hostSettings } = proxyLocalActivities<ContainerActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const EXAMPLE = '{"alias": "acme", "exact": {"host": "nl", "app": "default"}, "options": {"cyclesPerRun": 100}}';

/** Fails the run (not its task, which would retry forever) with every problem at once. */
function failOn(problems: string[]): void {
  if (problems.length === 0) return;
  throw ApplicationFailure.create({
    type: FAILURE_TYPES.badContainerInput,
    message: `dataContainer cannot start with this input: ${problems.join('; ')}. Input looks like ${EXAMPLE}`,
    nonRetryable: true,
  });
}

/** How a run starts: the input it works with and provisional options until the worker has answered. */
export interface StartCheck {
  input: ContainerInput;
  /** The run asks the worker for its rules (false only when replaying a run from before the patch). */
  fromWorker: boolean;
  /** Not continued from an earlier run: a mistake in its input fails it. */
  fresh: boolean;
  /** The options as given, checked against the worker's rules once known. */
  givenOptions: unknown;
  provisional: ResolvedOptions;
}

/**
 * The first thing a run does, before anything can await: a fresh start whose input has the wrong shape fails
 * here, naming each field. Synchronous, so no handler or timer sees an input it could trip over.
 */
export function checkStart(raw: unknown): StartCheck {
  const fromWorker = patched(RULES_FROM_WORKER_PATCH);
  const info = workflowInfo();
  const fresh = info.continuedFromExecutionRunId === undefined;
  if (!fromWorker) {
    const input = raw as LegacyContainerInput;
    return { input, fromWorker, fresh, givenOptions: input.options, provisional: legacyOptions(input.options) };
  }
  if (fresh) failOn(inputProblems(raw, info.workflowId));
  const given = raw as LegacyContainerInput;
  const input = normalizedInput(given);
  return {
    input,
    fromWorker,
    fresh,
    givenOptions: given.options,
    provisional: continuedOptions(input.options, EXACT_RULES),
  };
}

/** The options a run keeps, and why nothing may be sent to its host when the worker does not know it. */
export interface WorkerSettings {
  options: ResolvedOptions;
  hostProblem?: string;
}

/**
 * Asks the worker for the container's host and Exact's rules there. A fresh start with an unknown host or an
 * option out of range fails; a continued run keeps going with its options clamped, and an unknown host makes it
 * wait for an admin (no request leaves the worker).
 */
export async function settleWithWorker(start: StartCheck): Promise<WorkerSettings> {
  if (!start.fromWorker) return { options: start.provisional };
  const { host, baseUrl } = start.input.exact;
  const settings = await hostSettings({ host, baseUrl });
  if (start.fresh) {
    failOn([...(settings.known ? [] : [settings.problem]), ...optionProblems(start.givenOptions, settings.rules)]);
  }
  return {
    options: continuedOptions(start.input.options, settings.rules),
    hostProblem: settings.known ? undefined : settings.problem,
  };
}
