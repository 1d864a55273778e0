import { ENROLLMENT_COLUMNS, type EnrollmentColumn } from './rows';

/** The whole file is unusable (no header, unknown columns, not JSON, …); `line` says where, when known. */
export class EnrollmentFileError extends Error {
  override readonly name = 'EnrollmentFileError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** A row as a reader found it, before validation. */
export interface SourceRecord {
  line: number;
  values: Partial<Record<EnrollmentColumn, string>>;
}

/** What a reader hands on: records to validate, and lines that are not records at all. */
export interface SourceRows {
  records: SourceRecord[];
  problems: { line: number; alias?: string; reason: string }[];
}

const BY_LOOSE_NAME = new Map(ENROLLMENT_COLUMNS.map((column) => [looseName(column), column]));

/** Spreadsheets and scripts write `refresh_token`, `Refresh Token` or `REFRESHTOKEN`: all mean refreshToken. */
function looseName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

export function columnNamed(name: string): EnrollmentColumn | undefined {
  return BY_LOOSE_NAME.get(looseName(name));
}

export const COLUMN_LIST = ENROLLMENT_COLUMNS.join(', ');

/** Names that look like this may be echoed; anything else could be a token (a CSV file without a header row). */
const PRINTABLE_NAME = /^[A-Za-z_][A-Za-z0-9 _-]{0,39}$/;

/** How a column or field name appears in a message: quoted when harmless, else only by its position. */
export function shownName(name: string, position: string): string {
  return PRINTABLE_NAME.test(name) ? `"${name}"` : position;
}
