/**
 * The soak's teardown steps, each run at most once: by name when the soak reaches that point, or all of the
 * remaining ones (newest first) when it ends early, fails or is interrupted. A step that fails is reported and
 * the others still run, so no child process outlives the soak.
 */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void>; last: boolean }[] = [];
  private readonly done = new Set<string>();

  constructor(private readonly warn: (line: string) => void = (line) => console.error(line)) {}

  /** Registers a step; `last` steps run after every other one (e.g. deleting the work directory). */
  add(name: string, run: () => Promise<void>, position: 'last' | 'normal' = 'normal'): void {
    this.steps.push({ name, run, last: position === 'last' });
  }

  /** Drops a step that has not run (e.g. keep the work directory of a failed run for inspection). */
  cancel(name: string): void {
    this.done.add(name);
  }

  /** Runs one step now (if it has not run). */
  async run(name: string): Promise<void> {
    const step = this.steps.find((s) => s.name === name);
    if (!step || this.done.has(name)) return;
    this.done.add(name);
    try {
      await step.run();
    } catch (error) {
      this.warn(`soak: stopping the ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Runs every step not run yet: newest first, the `last` ones at the end. */
  async runAll(): Promise<void> {
    const pending = [...this.steps].reverse();
    for (const step of pending.filter((s) => !s.last)) await this.run(step.name);
    for (const step of pending.filter((s) => s.last)) await this.run(step.name);
  }
}
