import { describe, expect, it } from 'vitest';
import type { RowResult } from '../../src/enrollment/apply';
import { anyRowFailed, renderSummary, summarize } from '../../src/enrollment/summary';

const result = (line: number, alias: string, outcome: RowResult['outcome'], extra: Partial<RowResult> = {}) =>
  ({ line, alias, outcome, steps: [], ...extra }) satisfies RowResult;

describe('the summary of a bulk enrollment', () => {
  it('counts rows per outcome and lists invalid and failed rows by line with their reasons', () => {
    const summary = summarize(
      [
        result(2, 'a', 'enrolled'),
        result(3, 'b', 'unchanged'),
        result(7, 'c', 'failed', { reason: 'Exact Online refused the authorization code: it was used' }),
      ],
      [{ line: 5, reason: 'alias is missing' }],
    );
    expect(summary.counts).toMatchObject({ enrolled: 1, unchanged: 1, failed: 1, invalid: 1, updated: 0 });
    expect(anyRowFailed(summary)).toBe(true);
    const text = renderSummary(summary);
    expect(text).toMatch(/enrolled\s+│\s+1/);
    expect(text).toMatch(/total\s+│\s+4/);
    expect(text.indexOf('alias is missing')).toBeLessThan(text.indexOf('it was used'));
    expect(text).toMatch(/│ 5\s+│\s+│ invalid: alias is missing/);
    expect(text).toMatch(/│ 7\s+│ c\s+│ failed: Exact Online refused/);
  });

  it('names containers that need a human, up to ten, and counts the rest', () => {
    const results = Array.from({ length: 12 }, (_, index) =>
      result(index + 2, `broken-${index}`, 'unchanged', { status: 'needs-reauth', attention: 'needs-reauth' }),
    );
    const summary = summarize(results, []);
    expect(anyRowFailed(summary)).toBe(false);
    expect(renderSummary(summary)).toContain(
      '12 container(s) need re-authorization: give them a fresh refresh token or code and run again with --renew ' +
        '(broken-0, broken-1, broken-2, broken-3, broken-4, broken-5, broken-6, broken-7, broken-8, broken-9 and 2 more).',
    );
  });

  it('labels a dry run', () => {
    expect(renderSummary(summarize([result(2, 'a', 'would-enroll')], []), { dryRun: true })).toMatch(
      /outcome \(dry run\)[\s\S]*would-enroll\s+│\s+1/,
    );
  });
});
