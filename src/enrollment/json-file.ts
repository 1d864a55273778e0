import {
  COLUMN_LIST,
  columnNamed,
  EnrollmentFileError,
  shownName,
  type SourceRecord,
  type SourceRows,
} from './columns';
import { validAlias } from './rows';
import { JsonSyntaxError, parseJsonWithLines } from './json-lines';

/**
 * Reads a JSON array of objects with the same fields as the CSV columns. Text values are trimmed (a password
 * is kept as given: JSON quotes it exactly); null and "" mean absent.
 */
export function readJsonRows(text: string): SourceRows {
  let parsed: ReturnType<typeof parseJsonWithLines>;
  try {
    parsed = parseJsonWithLines(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new EnrollmentFileError(`the file is not valid JSON: ${error.message}`);
  }
  const { value, itemLines } = parsed;
  if (!Array.isArray(value) || !itemLines) {
    throw new EnrollmentFileError(
      `the file must hold a JSON array of objects, one per container, with the fields ${COLUMN_LIST}`,
    );
  }
  const records: SourceRecord[] = [];
  const problems: SourceRows['problems'] = [];
  value.forEach((item, index) => {
    const line = itemLines[index]!;
    const problem = recordOf(item, line, index, records);
    if (problem)
      problems.push({ line, alias: validAlias((item as { alias?: unknown } | null)?.alias), reason: problem });
  });
  return { records, problems };
}

/** Adds the item's record, or answers why it is not one. */
function recordOf(item: unknown, line: number, index: number, records: SourceRecord[]): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return `item ${index + 1} of the array is not an object {"alias": …}`;
  }
  const record: SourceRecord = { line, values: {} };
  const unknown: string[] = [];
  const notText: string[] = [];
  for (const [name, value] of Object.entries(item)) {
    const column = columnNamed(name);
    if (column === undefined) unknown.push(shownName(name, 'one with odd characters'));
    else if (value === null || value === undefined) continue;
    else if (typeof value !== 'string') notText.push(column);
    else {
      const given = column === 'password' ? value : value.trim();
      if (given !== '') record.values[column] = given;
    }
  }
  if (unknown.length > 0) return `unknown field(s) ${unknown.join(', ')}: the fields are ${COLUMN_LIST}`;
  if (notText.length > 0) return `${notText.join(', ')} must be text in "quotes"`;
  records.push(record);
  return undefined;
}
