import { join } from 'node:path';

/**
 * The layout of a soak's work directory. The soak writes it; the leak scan reads it, also later and alone
 * (`npm run leak-scan -- --dir <dir>` on a directory kept with `--keep`).
 */
export interface SoakDir {
  root: string;
  /** Temporal dev server's SQLite file (a restart keeps workflows). */
  temporalDb: string;
  /** chainkeeper's store (CHAINKEEPER_STORE_URL). */
  storeDb: string;
  /** Organization and history keys (CHAINKEEPER_KEYS_DIR). */
  keysDir: string;
  /** Worker stdout/stderr and the soak's own log. */
  logsDir: string;
  /** Every workflow history, exported with the Temporal CLI. */
  historiesDir: string;
  /**
   * Every secret the run created, one JSON object a line (mode 0600): the list the leak scan searches for.
   * It is the one file of the directory that is never scanned.
   */
  secretsFile: string;
  /** What the leak scan needs to know about the run (task queue, counts), written at the start. */
  manifestFile: string;
  /** The copy of the code the workers run; only its data/ (recovery screenshots) is scanned. */
  codeDir: string;
}

export function soakDir(root: string): SoakDir {
  return {
    root,
    temporalDb: join(root, 'temporal.db'),
    storeDb: join(root, 'store.db'),
    keysDir: join(root, 'keys'),
    logsDir: join(root, 'logs'),
    historiesDir: join(root, 'histories'),
    secretsFile: join(root, 'secrets.jsonl'),
    manifestFile: join(root, 'manifest.json'),
    codeDir: join(root, 'code'),
  };
}
