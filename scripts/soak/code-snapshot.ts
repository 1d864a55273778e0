import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/temporal/tools';

/** What the worker needs to run: its code, and links to the installed packages and the Temporal tools. */
const COPIED = ['src', 'workflows', 'activities', 'contract', 'package.json', 'tsconfig.json'];
const LINKED = ['node_modules', '.tools'];

export interface CodeSnapshot {
  /** Project root of the copy the worker runs from. */
  root: string;
  /** The commit the working tree was on, and how many files differed from it, for the report. */
  commit: string;
  changedFiles: number;
}

/**
 * Copies the worker's code into the work directory at the start, so every worker the soak (re)starts runs the
 * same workflow code. Workers bundle the workflows when they start; an edit to the working tree mid-run would
 * otherwise make a restarted worker replay histories with other code, and every container would fail with a
 * nondeterminism error that says nothing about chainkeeper as deployed. Recovery screenshots land in the copy's
 * data/evidence, inside the work directory.
 */
export function snapshotCode(into: string): CodeSnapshot {
  mkdirSync(into, { recursive: true, mode: 0o700 });
  // A folder the working tree does not have (yet) is skipped: the copy is whatever the tree holds.
  for (const name of COPIED.filter((n) => existsSync(join(PROJECT_ROOT, n))))
    cpSync(join(PROJECT_ROOT, name), join(into, name), { recursive: true });
  for (const name of LINKED) symlinkSync(join(PROJECT_ROOT, name), join(into, name));
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  };
  return {
    root: into,
    commit: git('rev-parse', '--short', 'HEAD').trim() || 'unknown',
    changedFiles: git('status', '--porcelain').split('\n').filter(Boolean).length,
  };
}
