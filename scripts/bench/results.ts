/** The shape of bench/results.json: the machine, each headline figure with its unit and goal, and the details. */

export interface Goal {
  /** The measured value must be at least (`>=`) or at most (`<=`) `value`. */
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  /** What is measured, in one line. */
  label: string;
  /** Undefined when the phase could not measure it (see `note`). */
  value: number | undefined;
  unit: string;
  goal?: Goal;
  /** Whether the value meets the goal; absent without a goal or a value. */
  pass?: boolean;
  /** What limits the figure, or why it is missing. */
  note?: string;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  temporalCli: string;
  chromium: string;
  gitCommit: string;
  /** Files changed in the working tree when the benchmark ran (0 = a clean checkout). */
  uncommittedFiles: number;
  /** One-minute load average when the run started and ended: above the core count, other work shared the CPU. */
  loadAverage: { start: number; end: number };
}

export interface BenchResults {
  schema: 1;
  mode: 'full' | 'quick';
  startedAt: string;
  durationS: number;
  machine: Machine;
  /** Headline figures by key, in report order. */
  figures: Record<string, Figure>;
  /** Every phase's raw measurements (levels, windows, samples), for the tables of BENCHMARKS.md. */
  details: Record<string, unknown>;
}

/** A figure with its pass/fail against the goal. */
export function figure(label: string, value: number | undefined, unit: string, goal?: Goal, note?: string): Figure {
  const result: Figure = { label, value, unit };
  if (goal) {
    result.goal = goal;
    if (value !== undefined) result.pass = goal.op === '>=' ? value >= goal.value : value <= goal.value;
  }
  if (note) result.note = note;
  return result;
}
