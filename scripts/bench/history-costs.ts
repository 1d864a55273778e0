import proto from '@temporalio/proto';
import { median } from './stats';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { EventType } = proto.temporal.api.enums.v1;

/**
 * Temporal Cloud's billable actions, as its documentation defines them ("Temporal Cloud Actions",
 * docs.temporal.io/cloud/actions), applied to one workflow's history:
 * - workflow started (including continue-as-new): 1;
 * - timer started (including the implicit timer of `condition` with a timeout): 1;
 * - activity started or retried: 1 per attempt (the started event's `attempt`);
 * - search attribute upsert: 1 per UpsertWorkflowSearchAttributes command (TemporalChangeVersion alone is free);
 * - signal received, update accepted: 1 each; child workflow initiated: 2 (start + execution);
 * - side effect / local activity markers: 1 per workflow task that records any; version (patch) markers: 0.
 * Queries are billed too (1 each) but leave no event: they are counted with the query figure, not here.
 */
export function billableActions(events: readonly HistoryEvent[]): number {
  let actions = 0;
  let markerTask: number | undefined;
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      case EventType.EVENT_TYPE_TIMER_STARTED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
        actions += 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        actions += Math.max(1, event.activityTaskStartedEventAttributes?.attempt ?? 1);
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        actions += 2;
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = Object.keys(
          event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {},
        );
        if (fields.some((name) => name !== 'TemporalChangeVersion')) actions += 1;
        break;
      }
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        const task = Number(event.markerRecordedEventAttributes?.workflowTaskCompletedEventId ?? 0);
        const name = event.markerRecordedEventAttributes?.markerName ?? '';
        if (name !== 'core_patch' && task !== markerTask) {
          actions += 1;
          markerTask = task;
        }
        break;
      }
      default:
        break;
    }
  }
  return actions;
}

export interface CycleCosts {
  /** Steady cycles the medians are taken over. */
  cycles: number;
  eventsPerCycle: number;
  actionsPerCycle: number;
  /** The actions of one steady cycle by event type, e.g. { TIMER_STARTED: 1, … }. */
  actionsByEvent: Record<string, number>;
  /** Event types of one steady cycle, in order. */
  eventsOfOneCycle: string[];
}

const eventName = (event: HistoryEvent): string =>
  (EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '');

/**
 * Cuts a container's history into refresh cycles (from one `refreshChain` activity scheduled to the next) and
 * takes the median events and actions of the steady ones: the first two (enrollment, first refresh) and the
 * last (unfinished) are left out.
 */
export function cycleCosts(events: readonly HistoryEvent[]): CycleCosts | undefined {
  const starts = events
    .map((event, index) => ({ event, index }))
    .filter(
      ({ event }) =>
        event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
        event.activityTaskScheduledEventAttributes?.activityType?.name === 'refreshChain',
    )
    .map(({ index }) => index);
  const cycles: HistoryEvent[][] = [];
  for (let i = 2; i + 1 < starts.length; i++) cycles.push(events.slice(starts[i], starts[i + 1]));
  if (cycles.length === 0) return undefined;
  const typical = cycles[Math.floor(cycles.length / 2)]!;
  const actionsByEvent: Record<string, number> = {};
  for (const event of typical) {
    const actions = billableActions([event]);
    if (actions > 0) actionsByEvent[eventName(event)] = (actionsByEvent[eventName(event)] ?? 0) + actions;
  }
  return {
    cycles: cycles.length,
    eventsPerCycle: median(cycles.map((cycle) => cycle.length))!,
    actionsPerCycle: median(cycles.map((cycle) => billableActions(cycle)))!,
    actionsByEvent,
    eventsOfOneCycle: typical.map(eventName),
  };
}
