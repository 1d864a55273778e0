import type { ChainStatus, ContainerInput, ContainerOptions } from '../../contract/container';
import type { ContainerAdmin } from './container-admin';
import type { EnrollmentRow } from './rows';

/**
 * What happened to a row: `enrolled` = its workflow was started, `updated` = a running container got a chain or
 * credentials, `unchanged` = nothing to do. A dry run answers `would-enroll` / `would-update` instead.
 */
export type EnrollmentOutcome = 'enrolled' | 'updated' | 'unchanged' | 'failed' | 'would-enroll' | 'would-update';

/** A request sent to the container (or, in a dry run, one that would be). */
export type EnrollmentStep = 'start' | 'renew' | 'credentials';

/**
 * A container this run left alone that waits for a human: its chain is broken (`needs-reauth`), or Exact rejected
 * its stored credentials, which are never sent again unasked (a second rejection can lock the account).
 */
export type EnrollmentAttention = 'needs-reauth' | 'credentials-rejected';

export interface RowResult {
  line: number;
  alias: string;
  outcome: EnrollmentOutcome;
  /** The requests sent (dry run: that would be sent), in order; on failure, those that succeeded. */
  steps: EnrollmentStep[];
  /** The container's status as last seen, when known. */
  status?: ChainStatus;
  /** Why the row failed, in the workflow's or the server's words; never a secret. */
  reason?: string;
  /** Set when the container needs a human and this run did not help it. */
  attention?: EnrollmentAttention;
}

export interface EnrollRowsOptions {
  /** Rows handled at once. @default 16 */
  concurrency?: number;
  /** Look every container up, change nothing. @default false */
  dryRun?: boolean;
  /**
   * Send the row's grant to containers that already have a chain, replacing it. Off by default: the token or code
   * in a file that was enrolled before is spent, and presenting it again is an error Exact counts. @default false
   */
  renew?: boolean;
  /** Send the row's credentials even to containers that already hold some. @default false */
  replaceCredentials?: boolean;
  /** Options of containers started by this run; running containers keep theirs. @default none */
  containerOptions?: ContainerOptions;
  /** Called after each row, in completion order. @default none */
  onProgress?: (result: RowResult, done: number, total: number) => void;
}

const DEFAULT_CONCURRENCY = 16;

/**
 * Enrolls rows idempotently: a missing container is started and given its chain (and credentials); a running one
 * without a chain gets the row's grant; one with a chain is left alone unless `renew`; credentials go only to a
 * container that has none unless `replaceCredentials`. A failed row does not stop the others. Results are in
 * row order.
 */
export async function enrollRows(
  rows: readonly EnrollmentRow[],
  admin: ContainerAdmin,
  options: EnrollRowsOptions = {},
): Promise<RowResult[]> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  const results: RowResult[] = new Array<RowResult>(rows.length);
  let next = 0;
  let done = 0;
  const work = async (): Promise<void> => {
    while (next < rows.length) {
      const index = next++;
      const result = await enrollRow(rows[index]!, admin, options);
      results[index] = result;
      options.onProgress?.(result, ++done, rows.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, work));
  return results;
}

async function enrollRow(row: EnrollmentRow, admin: ContainerAdmin, options: EnrollRowsOptions): Promise<RowResult> {
  const steps: EnrollmentStep[] = [];
  let status: ChainStatus | undefined;
  let attention: EnrollmentAttention | undefined;
  const result = (outcome: EnrollmentOutcome): RowResult => ({
    line: row.line,
    alias: row.alias,
    outcome,
    steps,
    status,
    ...(attention ? { attention } : {}),
  });
  try {
    let current = await admin.describe(row.alias);
    if (!current && options.dryRun) {
      steps.push('start', 'renew', ...(row.credentials ? (['credentials'] as const) : []));
      return result('would-enroll');
    }
    if (!current) {
      current = await admin.start(containerInput(row, options.containerOptions));
      steps.push('start');
    }
    status = current.status;
    const plan: EnrollmentStep[] = [];
    if (current.chain === undefined || options.renew) plan.push('renew');
    if (row.credentials && (current.credentials === undefined || options.replaceCredentials)) plan.push('credentials');
    // Credentials sent now let auto-recovery heal a broken chain; a renewal replaces it.
    if (current.status === 'needs-reauth' && plan.length === 0) attention = 'needs-reauth';
    else if (current.credentials?.rejected && !plan.includes('credentials')) attention = 'credentials-rejected';
    const changed = (): EnrollmentOutcome => (steps.includes('start') ? 'enrolled' : 'updated');
    if (plan.length === 0) return result(steps.length > 0 ? changed() : 'unchanged');
    if (options.dryRun) {
      steps.push(...plan);
      return result('would-update');
    }
    for (const step of plan) {
      if (step === 'renew') status = (await admin.renew(row.alias, row.grant)).status;
      else await admin.setCredentials(row.alias, row.credentials!);
      steps.push(step);
    }
    return result(changed());
  } catch (error) {
    return { ...result('failed'), reason: reasonOf(error, row) };
  }
}

function containerInput(row: EnrollmentRow, options: ContainerOptions | undefined): ContainerInput {
  return options ? { alias: row.alias, exact: row.exact, options } : { alias: row.alias, exact: row.exact };
}

/** The error's message; the row's grant is cut out in case some layer quoted the request it refused. */
function reasonOf(error: unknown, row: EnrollmentRow): string {
  const message = error instanceof Error ? error.message : String(error);
  const grant = 'code' in row.grant ? row.grant.code : row.grant.refreshToken;
  return message.split(grant).join('[secret]');
}
