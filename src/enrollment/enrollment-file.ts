import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { EnrollmentFileError, type SourceRows } from './columns';
import { readCsvRows } from './csv-file';
import { readJsonRows } from './json-file';
import { checkRow, type EnrollmentRow, type RowCheckOptions, type RowProblem } from './rows';

export type EnrollmentFileFormat = 'csv' | 'json';

/** An enrollment file, read and checked: the rows to enroll and every line that cannot be, ordered by line. */
export interface EnrollmentFile {
  rows: EnrollmentRow[];
  problems: RowProblem[];
}

/** The format a file name says it holds (`.csv` or `.json`, any case), or undefined. */
export function enrollmentFileFormat(path: string): EnrollmentFileFormat | undefined {
  const extension = extname(path).toLowerCase();
  return extension === '.csv' ? 'csv' : extension === '.json' ? 'json' : undefined;
}

/**
 * Reads, validates and seals a whole file. Bad rows become {@link RowProblem}s and the good ones are kept; a
 * file that cannot be read as a whole (no header, unknown columns, not JSON) throws {@link EnrollmentFileError}.
 * When an alias appears twice, its first row is kept and the later ones are problems.
 */
export function parseEnrollmentFile(
  text: string,
  format: EnrollmentFileFormat,
  options: RowCheckOptions = {},
): EnrollmentFile {
  // Excel's "CSV UTF-8" starts with a byte order mark; left in, it would become part of the first column's name.
  const content = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (content.trim() === '') throw new EnrollmentFileError('the file is empty');
  const source: SourceRows = format === 'csv' ? readCsvRows(content) : readJsonRows(content);
  const rows: EnrollmentRow[] = [];
  const problems: RowProblem[] = [...source.problems];
  const firstLineOf = new Map<string, number>();
  for (const { line, values } of source.records) {
    const checked = checkRow(values, options);
    const alias = checked.ok ? checked.row.alias : checked.alias;
    const first = alias === undefined ? undefined : firstLineOf.get(alias);
    if (alias !== undefined && first === undefined) firstLineOf.set(alias, line);
    if (first !== undefined) {
      problems.push({ line, alias, reason: `alias ${alias} is already on line ${first}: each container appears once` });
    } else if (checked.ok) rows.push({ line, ...checked.row });
    else problems.push({ line, alias, reason: checked.reason });
  }
  problems.sort((a, b) => a.line - b.line);
  return { rows, problems };
}

/** Reads `path` as UTF-8 (with or without a byte order mark) and parses it by its extension. */
export async function readEnrollmentFile(path: string, options: RowCheckOptions = {}): Promise<EnrollmentFile> {
  const format = enrollmentFileFormat(path);
  if (!format) throw new EnrollmentFileError(`${path} is neither a .csv nor a .json file`);
  const bytes = await readFile(path);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new EnrollmentFileError('the file is UTF-16 text: save it as UTF-8 (in Excel: "CSV UTF-8")');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EnrollmentFileError('the file is not UTF-8 text: save it as UTF-8 (in Excel: "CSV UTF-8")');
  }
  return parseEnrollmentFile(text, format, options);
}
