/**
 * Preloaded (`--import`) into the worker process the benchmark starts, beside the unchanged
 * src/temporal/worker-main.ts: answers the parent's `memory` message with the V8 heap figures /proc cannot give.
 */

/** What the probe answers. */
export interface WorkerMemory {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  /** Heap used after a full garbage collection, when the process runs with --expose-gc. */
  heapUsedAfterGcMiB?: number;
  /** Resident memory a second after that collection: steadier than `rssMiB`, which depends on when V8 last collected. */
  rssAfterGcMiB?: number;
}

const mib = (bytes: number): number => bytes / 1024 / 1024;

if (process.send) {
  process.on('message', (message: unknown) => {
    if (message !== 'memory') return;
    const before = process.memoryUsage();
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const afterGc = process.memoryUsage();
    setTimeout(() => {
      const answer: WorkerMemory = {
        rssMiB: mib(before.rss),
        heapUsedMiB: mib(before.heapUsed),
        heapTotalMiB: mib(before.heapTotal),
        externalMiB: mib(before.external),
        heapUsedAfterGcMiB: gc ? mib(afterGc.heapUsed) : undefined,
        rssAfterGcMiB: gc ? mib(process.memoryUsage().rss) : undefined,
      };
      process.send?.({ memory: answer });
    }, 1000);
  });
  // The channel must not keep the worker alive once it has shut down.
  process.channel?.unref();
}
