/**
 * Puts a proxy phase measured on its own into an existing results file and its report, leaving every other
 * figure, table and paragraph as the full run wrote them: the proxy's figures replace the old ones (or go before
 * the enrollment figure, in report order), and its section replaces the old one (or goes before "Enrollment
 * throughput"). `npm run bench` itself renders the same figures and section from a run of every phase.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { PROJECT_ROOT } from '../../src/temporal/tools';
import type { BenchPlan } from './plan';
import { proxyFigures, proxySection, type ProxyPhase } from './proxy-phase';
import type { BenchResults, Figure } from './results';

const isProxyKey = (key: string): boolean => key.startsWith('proxy');
const PROXY_ROW = /^\| Exact API proxy, /;
const SECTION = '## Exact API proxy overhead';
/** The figure, row and section the proxy's go before, as `npm run bench` orders them. */
const NEXT_FIGURE = 'enrollmentPerS';
const NEXT_SECTION = '## Enrollment throughput';
const NEXT_ROW = '| Enrollment throughput';

function mergedFigures(old: Record<string, Figure>, proxy: Record<string, Figure>): Record<string, Figure> {
  const kept = Object.entries(old).filter(([key]) => !isProxyKey(key));
  const at = kept.findIndex(([key]) => key === NEXT_FIGURE);
  kept.splice(at === -1 ? kept.length : at, 0, ...Object.entries(proxy));
  return Object.fromEntries(kept);
}

/** A summary row as renderReport writes it. */
function summaryRow(f: Figure): string {
  const value = f.value === undefined ? 'not measured' : `${f.value.toLocaleString('en-US')} ${f.unit}`;
  const goal = f.goal ? `${f.goal.op === '>=' ? '≥' : '≤'} ${f.goal.value.toLocaleString('en-US')} ${f.unit}` : '';
  const verdict = f.pass === undefined ? '' : f.pass ? 'met' : '**missed**';
  return `| ${f.label} | ${value} | ${goal} | ${verdict} | ${f.note ?? ''} |`;
}

function mergedReport(text: string, figures: Record<string, Figure>, phase: ProxyPhase): string {
  const lines = text.split('\n').filter((line) => !PROXY_ROW.test(line));
  // The summary table (the report's first) gets the proxy's rows before the enrollment row, or at its end.
  const tableEnd = lines.findIndex((line, i) => i > 0 && lines[i - 1]!.startsWith('|') && !line.startsWith('|'));
  const next = lines.findIndex((line) => line.startsWith(NEXT_ROW));
  lines.splice(next !== -1 && next < tableEnd ? next : tableEnd, 0, ...Object.values(figures).map(summaryRow));
  let merged = lines.join('\n');
  const section = proxySection(phase).join('\n');
  const old = merged.indexOf(`${SECTION}\n`);
  if (old !== -1) {
    const end = merged.indexOf('\n## ', old + SECTION.length);
    merged = `${merged.slice(0, old)}${merged.slice(end === -1 ? merged.length : end + 1)}`;
  }
  const before = merged.indexOf(`${NEXT_SECTION}\n`);
  const at = before === -1 ? merged.indexOf('## How to reproduce') : before;
  return at === -1 ? `${merged}\n${section}` : `${merged.slice(0, at)}${section}\n${merged.slice(at)}`;
}

async function write(path: string, text: string, parser: 'json' | 'markdown'): Promise<void> {
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...options, parser }));
}

/** Merges `phase` into the plan's results file and report; both must exist (a full or quick run made them). */
export async function mergeProxyPhase(plan: BenchPlan, phase: ProxyPhase): Promise<Record<string, Figure>> {
  const resultsPath = resolve(PROJECT_ROOT, plan.resultsPath);
  const reportPath = resolve(PROJECT_ROOT, plan.reportPath);
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as BenchResults;
  const figures = proxyFigures(phase);
  results.figures = mergedFigures(results.figures, figures);
  const savedPlan = results.details.plan as Record<string, unknown> | undefined;
  results.details = { ...results.details, plan: { ...savedPlan, proxy: plan.proxy }, proxy: phase };
  await write(resultsPath, JSON.stringify(results), 'json');
  await write(reportPath, mergedReport(readFileSync(reportPath, 'utf8'), figures, phase), 'markdown');
  return figures;
}
