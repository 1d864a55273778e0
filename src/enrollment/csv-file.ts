import { CsvError, parse } from 'csv-parse/sync';
import type { EnrollmentColumn } from './rows';
import {
  COLUMN_LIST,
  columnNamed,
  EnrollmentFileError,
  shownName,
  type SourceRecord,
  type SourceRows,
} from './columns';
import { validAlias } from './rows';

/** Spreadsheets in Dutch, German or French locales write `;`; some tools write tabs. */
const DELIMITERS = [',', ';', '\t'] as const;
type Delimiter = (typeof DELIMITERS)[number];

/**
 * Reads CSV with a header row. Every physical line is one record: no valid value holds a line break, and so a
 * broken quote spoils its own line only and every line number is exact. Lines that are blank, hold only
 * delimiters, or start with `#` are skipped. CRLF, LF and CR line ends are all accepted.
 */
export function readCsvRows(text: string): SourceRows {
  const lines = text.split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((line) => !isSkippable(line));
  if (headerIndex === -1) {
    throw new EnrollmentFileError(`the file has no header row: the first line must name the columns (${COLUMN_LIST})`);
  }
  const headerLine = headerIndex + 1;
  const delimiter = delimiterOf(lines[headerIndex]!);
  const columns = readHeader(lines[headerIndex]!, delimiter, headerLine);
  const records: SourceRecord[] = [];
  const problems: SourceRows['problems'] = [];
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const text = lines[index]!;
    const line = index + 1;
    if (isSkippable(text)) continue;
    let values: string[];
    try {
      values = splitLine(text, delimiter);
    } catch (error) {
      problems.push({ line, reason: csvProblem(error) });
      continue;
    }
    if (values.every((value) => value === '')) continue;
    // Trailing empty values (a spreadsheet's extra delimiters) are harmless; anything else means shifted columns.
    if (values.length < columns.length || values.slice(columns.length).some((value) => value !== '')) {
      const shown = delimiter === '\t' ? 'a tab' : `"${delimiter}"`;
      problems.push({
        line,
        alias: validAlias(values[columns.indexOf('alias')]),
        reason:
          `has ${values.length} values, but the header on line ${headerLine} has ${columns.length} columns: ` +
          `every line needs one value per column (empty ones too), and a value holding ${shown} must be quoted`,
      });
      continue;
    }
    const record: SourceRecord = { line, values: {} };
    columns.forEach((column, at) => {
      if (values[at] !== '') record.values[column] = values[at];
    });
    records.push(record);
  }
  return { records, problems };
}

function isSkippable(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

function delimiterOf(header: string): Delimiter {
  const counts = DELIMITERS.map((delimiter) => header.split(delimiter).length - 1);
  const most = Math.max(...counts);
  return most === 0 ? ',' : DELIMITERS[counts.indexOf(most)]!;
}

function splitLine(line: string, delimiter: Delimiter): string[] {
  // `trim` drops spaces around values; a quoted value keeps the spaces inside its quotes (a password may need them).
  return parse(line, { delimiter, trim: true, relax_column_count: true })[0] ?? [];
}

function readHeader(line: string, delimiter: Delimiter, headerLine: number): EnrollmentColumn[] {
  let names: string[];
  try {
    names = splitLine(line, delimiter);
  } catch (error) {
    throw new EnrollmentFileError(`the header row ${csvProblem(error)}`, headerLine);
  }
  while (names.length > 0 && names.at(-1) === '') names.pop();
  const columns: EnrollmentColumn[] = [];
  const unknown: string[] = [];
  names.forEach((name, at) => {
    const column = columnNamed(name);
    if (column === undefined) unknown.push(shownName(name, `number ${at + 1}`));
    else if (columns.includes(column)) {
      throw new EnrollmentFileError(`the header names column ${column} twice: keep one`, headerLine);
    } else columns.push(column);
  });
  // A first line that names no column at all is data, not a header: none of it is echoed (it holds tokens).
  if (columns.length === 0) {
    throw new EnrollmentFileError(
      `the first line is not a header row: it names none of the columns. Add a header row, e.g. ${COLUMN_LIST}`,
      headerLine,
    );
  }
  if (unknown.length > 0) {
    throw new EnrollmentFileError(
      `the header row has unknown column(s) ${unknown.join(', ')}: the columns are ${COLUMN_LIST}`,
      headerLine,
    );
  }
  const missing: string[] = [];
  if (!columns.includes('alias')) missing.push('alias');
  if (!(['country', 'host', 'baseUrl'] as const).some((column) => columns.includes(column))) {
    missing.push('country or host');
  }
  if (!columns.includes('refreshToken') && !columns.includes('code')) missing.push('refreshToken or code');
  if (missing.length > 0) {
    throw new EnrollmentFileError(`the header row has no ${missing.join(', no ')} column`, headerLine);
  }
  return columns;
}

/** csv-parse's own messages quote the value they stumbled on, which may be a secret: only its code is used. */
function csvProblem(error: unknown): string {
  if (!(error instanceof CsvError)) throw error;
  const what =
    error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted value is not closed'
      : error.code === 'INVALID_OPENING_QUOTE'
        ? 'a quote appears inside a value that is not quoted'
        : error.code === 'CSV_INVALID_CLOSING_QUOTE' || error.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'
          ? 'text follows the closing quote of a value'
          : `cannot be read (${error.code})`;
  return `is not valid CSV: ${what}. Quote a value that holds a delimiter or a quote, and double every quote inside it`;
}
