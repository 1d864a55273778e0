import { appendFileSync } from 'node:fs';

/** Everything the soak did to the system, in order, for the report and as evidence when a goal fails. */
export type TimelineKind =
  | 'enrolled'
  | 'storm-start'
  | 'faults-on'
  | 'faults-off'
  | 'worker-start'
  | 'worker-ready'
  | 'worker-kill'
  | 'worker-exit'
  | 'dev-server-stop'
  | 'dev-server-start'
  | 'dev-server-kill'
  | 'postgres-stop'
  | 'postgres-start'
  | 'store-read-only'
  | 'store-writable'
  | 'break'
  | 'break-skipped'
  | 'storm-end'
  | 'settled'
  | 'note';

export interface TimelineEvent {
  /** Epoch ms (the simulator runs on the same clock). */
  atMs: number;
  /** Seconds since the soak started. */
  t: number;
  kind: TimelineKind;
  /** Facts without secrets: aliases, pids, counts. */
  detail?: Record<string, unknown>;
}

/** Collects events and mirrors each one as a line to the soak's log file and, briefly, to the console. */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  private logFailed = false;

  constructor(
    readonly startMs: number,
    private readonly logFile: string,
    private readonly echo: (line: string) => void = (line) => console.log(line),
  ) {}

  add(kind: TimelineKind, detail?: Record<string, unknown>): TimelineEvent {
    const atMs = Date.now();
    const event: TimelineEvent = { atMs, t: Math.round((atMs - this.startMs) / 100) / 10, kind, detail };
    this.events.push(event);
    // Called from child-process event handlers too, where a throw would end the soak without its cleanup.
    try {
      appendFileSync(this.logFile, `${JSON.stringify(event)}\n`);
    } catch (error) {
      if (!this.logFailed) this.echo(`[soak] cannot write ${this.logFile}: ${(error as Error).message}`);
      this.logFailed = true;
    }
    this.echo(`[soak ${event.t.toFixed(1).padStart(7)} s] ${kind}${detail ? ` ${JSON.stringify(detail)}` : ''}`);
    return event;
  }

  count(kind: TimelineKind): number {
    return this.events.filter((event) => event.kind === kind).length;
  }
}
