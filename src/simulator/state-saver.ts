/**
 * Saves the simulator state to its file soon after it changes: changes within one interval share one write,
 * so a burst of token calls costs one write, not one per call. Saving runs only while the simulator does;
 * changes made while it is stopped are written by the next start.
 */
import { type DurableState, writeStateFile } from './state-file';

/** How long changes are gathered before one write. */
const SAVE_INTERVAL_MS = 200;

export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private active = false;
  /** Background failures are logged once until a write succeeds again, not on every change. */
  private failureLogged = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => DurableState,
  ) {}

  /** Writes the state now (to prove the file is writable) and saves after every change from now on. */
  async start(): Promise<void> {
    this.active = true;
    try {
      await this.saveNow();
    } catch (error) {
      this.active = false;
      throw error;
    }
  }

  /** Something worth saving changed. */
  changed(): void {
    this.dirty = true;
    if (!this.active || this.timer !== undefined || this.writing !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow().catch((error: unknown) => this.logFailure(error));
    }, SAVE_INTERVAL_MS);
    // stop() flushes, so a pending save must not keep the process alive.
    this.timer.unref();
  }

  /** Stops saving after a final write of any unsaved change; rejects when that write fails. */
  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing?.catch(() => undefined);
    if (this.dirty) await this.saveNow();
  }

  private async saveNow(): Promise<void> {
    while (this.writing !== undefined) await this.writing.catch(() => undefined);
    this.dirty = false;
    const writing = writeStateFile(this.file, this.snapshot());
    this.writing = writing;
    try {
      await writing;
      this.failureLogged = false;
    } catch (error) {
      this.dirty = true;
      throw error;
    } finally {
      this.writing = undefined;
    }
    // Changes made during the write were not in it.
    if (this.dirty) this.changed();
  }

  private logFailure(error: unknown): void {
    if (this.failureLogged) return;
    this.failureLogged = true;
    console.error(`simulator: ${error instanceof Error ? error.message : 'could not save its state'}`);
  }
}
