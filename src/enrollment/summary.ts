import Table from 'cli-table3';
import type { EnrollmentAttention, EnrollmentOutcome, RowResult } from './apply';
import type { RowProblem } from './rows';

/** `invalid` counts rows refused while reading the file; they were never sent anywhere. */
export type SummaryOutcome = EnrollmentOutcome | 'invalid';

export interface EnrollmentSummary {
  counts: Record<SummaryOutcome, number>;
  /** Invalid and failed rows, by line. */
  failures: (RowProblem & { outcome: 'invalid' | 'failed' })[];
  /** Aliases of containers that wait for a human and that this run did not help, by what they wait for. */
  attention: Record<EnrollmentAttention, string[]>;
}

const ADVICE: Record<EnrollmentAttention, string> = {
  'needs-reauth': 'need re-authorization: give them a fresh refresh token or code and run again with --renew',
  'credentials-rejected':
    'hold credentials Exact rejected: correct them in the file and run again with --replace-credentials',
};
/** Aliases named per advice line; the rest are counted. */
const NAMED_ALIASES = 10;

const ORDER: SummaryOutcome[] = [
  'enrolled',
  'updated',
  'unchanged',
  'would-enroll',
  'would-update',
  'invalid',
  'failed',
];

export function summarize(results: readonly RowResult[], problems: readonly RowProblem[]): EnrollmentSummary {
  const counts = Object.fromEntries(ORDER.map((outcome) => [outcome, 0])) as Record<SummaryOutcome, number>;
  counts.invalid = problems.length;
  for (const result of results) counts[result.outcome] += 1;
  const failed = results
    .filter((result) => result.outcome === 'failed')
    .map(({ line, alias, reason }) => ({ line, alias, reason: reason ?? 'failed', outcome: 'failed' as const }));
  const failures = [...problems.map((problem) => ({ ...problem, outcome: 'invalid' as const })), ...failed].sort(
    (a, b) => a.line - b.line,
  );
  const attention: Record<EnrollmentAttention, string[]> = { 'needs-reauth': [], 'credentials-rejected': [] };
  for (const result of results) if (result.attention) attention[result.attention].push(result.alias);
  return { counts, failures, attention };
}

/** True when any row was invalid or failed: the command then exits with a non-zero code. */
export function anyRowFailed(summary: EnrollmentSummary): boolean {
  return summary.failures.length > 0;
}

/** The tables printed after a run: rows per outcome, then every invalid or failed row with its line and reason. */
export function renderSummary(summary: EnrollmentSummary, options: { dryRun?: boolean } = {}): string {
  const plain = { style: { head: [], border: [] } };
  const counts = new Table({ ...plain, head: [options.dryRun ? 'outcome (dry run)' : 'outcome', 'rows'] });
  let total = 0;
  for (const outcome of ORDER) {
    const count = summary.counts[outcome];
    total += count;
    if (count > 0) counts.push([outcome, { content: count, hAlign: 'right' }]);
  }
  counts.push(['total', { content: total, hAlign: 'right' }]);
  const parts = [counts.toString()];
  for (const [kind, aliases] of Object.entries(summary.attention) as [EnrollmentAttention, string[]][]) {
    if (aliases.length === 0) continue;
    const more = aliases.length > NAMED_ALIASES ? ` and ${aliases.length - NAMED_ALIASES} more` : '';
    parts.push(
      `${aliases.length} container(s) ${ADVICE[kind]} (${aliases.slice(0, NAMED_ALIASES).join(', ')}${more}).`,
    );
  }
  if (summary.failures.length > 0) {
    const failures = new Table({
      ...plain,
      head: ['line', 'alias', 'problem'],
      colWidths: [8, 28, 84],
      wordWrap: true,
    });
    for (const failure of summary.failures) {
      failures.push([failure.line, failure.alias ?? '', `${failure.outcome}: ${failure.reason}`]);
    }
    parts.push(failures.toString());
  }
  return parts.join('\n');
}
