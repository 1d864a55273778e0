/** Small statistics for the figures: nearest-rank percentiles and rounding for the report. */

/** The p-th percentile (0–100) by nearest rank; undefined for no samples. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function median(samples: readonly number[]): number | undefined {
  return percentile(samples, 50);
}

export function mean(samples: readonly number[]): number | undefined {
  return samples.length === 0 ? undefined : samples.reduce((sum, x) => sum + x, 0) / samples.length;
}

/** Rounds to `digits` significant decimals for the report (undefined stays undefined). */
export function round(value: number | undefined, digits = 1): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Logs a progress line on stderr, so stdout stays free for the summary. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
