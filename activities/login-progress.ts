/**
 * What a recovery login has done so far, told to Temporal in the activity's heartbeat details: the steps that
 * passed (an admin verifying credentials watches them) and a credential submit still waiting for its next page
 * (a worker that dies then leaves the entry suspect — the vault's mark is the durable record, this is the quick one).
 */
export class LoginProgress {
  readonly steps: string[] = [];
  private unconfirmedSubmit: string | undefined;

  /** @param changed Called after every change (the activity heartbeats the new details). */
  constructor(private readonly changed: () => void = () => undefined) {}

  submitting(step: string): void {
    this.unconfirmedSubmit = step;
    this.changed();
  }

  confirmed(step: string): void {
    if (this.unconfirmedSubmit === step) this.unconfirmedSubmit = undefined;
    this.changed();
  }

  passed(step: string): void {
    this.steps.push(step);
    this.changed();
  }

  /** The heartbeat details. Never a secret: step names only. */
  details(): { steps: string[]; unconfirmedSubmit?: string } {
    return { steps: [...this.steps], unconfirmedSubmit: this.unconfirmedSubmit };
  }
}
