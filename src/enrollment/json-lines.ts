/**
 * A strict JSON reader that knows where things are: the line each top-level array item starts on, and the line
 * and column of a syntax error. `JSON.parse` gives neither reliably, and its messages may quote the text around
 * the error, which in an enrollment file is a token or a password.
 */

/** The text is not JSON; the message names the line and column and never quotes the text. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    readonly line: number,
    readonly column: number,
    problem: string,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
  }
}

export interface JsonWithLines {
  value: unknown;
  /** When the document is an array: the 1-based line on which each item starts. */
  itemLines?: number[];
}

const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

export function parseJsonWithLines(text: string): JsonWithLines {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  let at = 0;
  let itemLines: number[] | undefined;

  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  const fail = (problem: string, offset = at): never => {
    const line = lineOf(offset);
    throw new JsonSyntaxError(line, offset - lineStarts[line - 1]! + 1, problem);
  };
  const skipSpace = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const expect = (char: string, problem: string): void => {
    skipSpace();
    if (text[at] !== char) fail(at >= text.length ? `the file ends early: ${problem}` : problem);
    at++;
  };

  /** Steps over the closing bracket the caller has seen. */
  const close = <T>(value: T): T => {
    at++;
    return value;
  };

  const readString = (): string => {
    const start = at++;
    while (text[at] !== '"') {
      if (at >= text.length) fail('a string is not closed (a missing ")', start);
      if (text.charCodeAt(at) < 0x20) fail('a line break or control character inside a string: a missing "?');
      at += text[at] === '\\' ? 2 : 1;
    }
    at++;
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail('a string holds an invalid \\ escape', start);
    }
  };

  const readValue = (depth: number, items?: number[]): unknown => {
    skipSpace();
    if (depth > MAX_DEPTH) fail(`values are nested more than ${MAX_DEPTH} deep`);
    items?.push(lineOf(at));
    const char = text[at];
    if (char === '"') return readString();
    if (char === '{') return readObject(depth);
    if (char === '[') return readArray(depth);
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    return fail(at >= text.length ? 'the file ends where a value should be' : 'expected a value (text needs "quotes")');
  };

  const readObject = (depth: number): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    at++;
    skipSpace();
    if (text[at] === '}') return close(object);
    for (;;) {
      skipSpace();
      if (text[at] !== '"') fail('expected a field name in "quotes" (or a comma too many)');
      const key = readString();
      expect(':', 'expected ":" after a field name');
      // As JSON.parse does: "__proto__" becomes a plain field, never the object's prototype.
      Object.defineProperty(object, key, {
        value: readValue(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      skipSpace();
      if (text[at] === '}') return close(object);
      expect(',', 'expected "," or "}" after a field (a missing comma?)');
    }
  };

  const readArray = (depth: number): unknown[] => {
    const array: unknown[] = [];
    const items = depth === 0 ? (itemLines = []) : undefined;
    at++;
    skipSpace();
    if (text[at] === ']') return close(array);
    for (;;) {
      array.push(readValue(depth + 1, items));
      skipSpace();
      if (text[at] === ']') return close(array);
      expect(',', 'expected "," or "]" after an item (a missing comma?)');
    }
  };

  const value = readValue(0);
  skipSpace();
  if (at < text.length) fail('unexpected text after the end of the JSON document');
  return itemLines ? { value, itemLines } : { value };
}
