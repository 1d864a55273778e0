import { SingleBar } from 'cli-progress';

export interface ProgressReporter {
  /** `done` rows of the total are finished. */
  update(done: number): void;
  stop(): void;
}

/** Without a terminal (a log file, CI), one line per this many rows instead of a redrawn bar. */
const LINE_EVERY_ROWS = 100;

/** A progress bar on `stream` when it is a terminal, else a line every 100 rows and one at the end. */
export function createProgressReporter(
  total: number,
  stream: NodeJS.WriteStream,
  label = 'enrolling',
): ProgressReporter {
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format: `${label} [{bar}] {value}/{total} rows | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let reported = 0;
  let latest = 0;
  const report = (done: number): void => {
    stream.write(`${label}: ${done}/${total} rows\n`);
    reported = done;
  };
  return {
    update(done) {
      latest = done;
      if (done - reported >= LINE_EVERY_ROWS) report(done);
    },
    stop() {
      if (reported !== latest) report(latest);
    },
  };
}
