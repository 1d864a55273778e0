import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCredentials, sealCredentials } from '../../src/credentials/credentials';
import { generateOrgKeyPair } from '../../src/crypto/keys';
import { EnrollmentFileError } from '../../src/enrollment/columns';
import { parseEnrollmentFile, readEnrollmentFile } from '../../src/enrollment/enrollment-file';
import type { RowCheckOptions } from '../../src/enrollment/rows';
import {
  CODE_A,
  EXPECTED_PROBLEMS,
  malformedCsv,
  MALFORMED_CSV_LINES,
  PASSWORD,
  SECRETS,
  TOKEN_A,
  TOKEN_B,
  TOKEN_C,
  TOTP_SECRET,
} from './malformed-csv';

const pair = generateOrgKeyPair();
const sealing: RowCheckOptions = { seal: (credentials) => sealCredentials(pair, credentials) };

function fileError(run: () => unknown): EnrollmentFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof EnrollmentFileError) return error;
    throw error;
  }
  throw new Error('expected an EnrollmentFileError');
}

describe('an enrollment CSV with a byte order mark, CRLF line ends and every kind of bad row', () => {
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enrollment-'));
    path = join(dir, 'containers.csv');
    await writeFile(path, malformedCsv(), 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports each bad row with its physical line number and reason, and nothing else', async () => {
    const { problems } = await readEnrollmentFile(path, sealing);
    expect(problems.map(({ line, alias }) => ({ line, alias }))).toEqual(
      EXPECTED_PROBLEMS.map(({ line, alias }) => ({ line, alias })),
    );
    problems.forEach((problem, index) => expect(problem.reason).toMatch(EXPECTED_PROBLEMS[index]!.reason));
    expect(new Set(EXPECTED_PROBLEMS.map(({ reason }) => reason.source)).size).toBeGreaterThanOrEqual(12);
  });

  it('keeps the good rows: trimmed, country as host key, app defaulted, the first of a duplicate alias', async () => {
    const { rows } = await readEnrollmentFile(path, sealing);
    expect(rows.map(({ credentials: _sealed, ...row }) => row)).toEqual([
      {
        line: 2,
        alias: 'good-1',
        exact: { host: 'nl', app: 'default' },
        grant: { refreshToken: TOKEN_A },
      },
      {
        line: 3,
        alias: 'good-2',
        exact: { baseUrl: 'http://127.0.0.1:8080', app: 'reporting' },
        grant: { code: CODE_A },
      },
      {
        line: 21,
        alias: 'good-3',
        exact: { host: 'nl', app: 'default' },
        grant: { refreshToken: TOKEN_C },
      },
    ]);
  });

  it('seals credentials as they are read; the box opens to them, the quoted password with its spaces', async () => {
    const { rows } = await readEnrollmentFile(path, sealing);
    const sealed = rows.find((row) => row.alias === 'good-3')?.credentials;
    expect(sealed?.keyId).toBe(pair.keyId);
    expect(JSON.stringify(sealed)).not.toContain(TOTP_SECRET);
    expect(openCredentials({ current: pair, keys: [pair] }, sealed!)).toEqual({
      username: 'admin@example.com',
      password: PASSWORD,
      totpSecret: TOTP_SECRET,
    });
  });

  it('never puts a token, code, password or TOTP secret from the file into a reason', async () => {
    const { problems } = await readEnrollmentFile(path, sealing);
    const reasons = problems.map((problem) => problem.reason).join('\n');
    for (const secret of SECRETS) expect(reasons).not.toContain(secret);
  });

  it('reads the same rows without the byte order mark and with LF line ends', () => {
    const plain = parseEnrollmentFile(MALFORMED_CSV_LINES.join('\n'), 'csv', sealing);
    const excel = parseEnrollmentFile(malformedCsv(), 'csv', sealing);
    expect(plain.problems).toEqual(excel.problems);
    expect(plain.rows.map((row) => row.alias)).toEqual(excel.rows.map((row) => row.alias));
  });

  it('refuses rows with credentials when there is no key to seal them, and keeps the others', () => {
    const { rows, problems } = parseEnrollmentFile(malformedCsv(), 'csv');
    expect(rows.map((row) => row.alias)).toEqual(['good-1', 'good-2']);
    expect(problems.find((problem) => problem.line === 21)?.reason).toMatch(/no organization public key/);
  });
});

describe('enrollment CSV files that cannot be read as a whole', () => {
  it('names unknown header columns and lists the known ones', () => {
    const error = fileError(() => parseEnrollmentFile(`alias,country,token,notes\r\nacme,nl,${TOKEN_A},x\r\n`, 'csv'));
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/unknown column\(s\) "token", "notes": the columns are alias, country, baseUrl/);
  });

  it('does not echo the first line of a file without a header row, which holds a token', () => {
    const error = fileError(() => parseEnrollmentFile(`acme,nl,${TOKEN_A},,,,admin,Summer,${TOTP_SECRET}\n`, 'csv'));
    expect(error.message).toMatch(/line 1: the first line is not a header row: it names none of the columns/);
    for (const value of ['acme', 'Summer', TOTP_SECRET, TOKEN_A]) expect(error.message).not.toContain(value);
  });

  it('says which required column the header lacks', () => {
    expect(fileError(() => parseEnrollmentFile('alias,country\nacme,nl\n', 'csv')).message).toMatch(
      /no refreshToken or code column/,
    );
  });

  it('refuses an empty file, and one with only a byte order mark and blank lines', () => {
    expect(fileError(() => parseEnrollmentFile('', 'csv')).message).toMatch(/the file is empty/);
    expect(fileError(() => parseEnrollmentFile('\uFEFF\r\n  \r\n', 'csv')).message).toMatch(/the file is empty/);
  });

  it('reads a header-only file as no rows', () => {
    expect(parseEnrollmentFile('alias,country,refreshToken\r\n', 'csv')).toEqual({ rows: [], problems: [] });
  });

  it('reads semicolon-separated files and header names written as refresh_token or Base URL', () => {
    const text = `Alias;Base URL;refresh_token\nacme;http://127.0.0.1:9000;${TOKEN_B}\n`;
    expect(parseEnrollmentFile(text, 'csv').rows).toEqual([
      {
        line: 2,
        alias: 'acme',
        exact: { baseUrl: 'http://127.0.0.1:9000', app: 'default' },
        grant: { refreshToken: TOKEN_B },
      },
    ]);
  });

  it('names a host the worker defines in the host column, and refuses two ways of naming the host', () => {
    const text = `alias,host,country,code\nsim-1,simulator,,${CODE_A}\nboth,simulator,nl,${CODE_A}\n`;
    const { rows, problems } = parseEnrollmentFile(text, 'csv');
    expect(rows.map(({ alias, exact }) => ({ alias, exact }))).toEqual([
      { alias: 'sim-1', exact: { host: 'simulator', app: 'default' } },
    ]);
    expect(problems).toEqual([
      { line: 3, alias: 'both', reason: expect.stringMatching(/give one of country or host/) as string },
    ]);
  });

  it('URL-decodes an authorization code copied from the redirect URL', () => {
    const encoded = CODE_A.replaceAll('.', '%2E');
    const { rows } = parseEnrollmentFile(`alias,country,code\nacme,nl,${encoded}\n`, 'csv');
    expect(rows[0]?.grant).toEqual({ code: CODE_A });
  });

  it('refuses UTF-16 and non-UTF-8 files with a hint to save them as UTF-8', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enrollment-'));
    try {
      await writeFile(join(dir, 'utf16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a', 'utf16le')]));
      await writeFile(join(dir, 'latin1.csv'), Buffer.from('alias,country,code\nb\xe9ta,nl,x\n', 'latin1'));
      await expect(readEnrollmentFile(join(dir, 'utf16.csv'))).rejects.toThrow(/UTF-16 text: save it as UTF-8/);
      await expect(readEnrollmentFile(join(dir, 'latin1.csv'))).rejects.toThrow(/not UTF-8 text/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('an enrollment JSON file', () => {
  const json = [
    '[',
    `  { "alias": "json-good", "country": "be", "refreshToken": "${TOKEN_A}" },`,
    '  "not an object",',
    '  {',
    '    "alias": "json-extra",',
    `    "country": "nl", "refreshToken": "${TOKEN_B}", "notes": "x"`,
    '  },',
    `  { "alias": 42, "country": "nl", "refreshToken": "${TOKEN_B}" },`,
    '  { "alias": "json-no-grant", "country": "nl", "code": null },',
    `  { "alias": "json-good", "country": "nl", "refreshToken": "${TOKEN_C}" },`,
    `  { "alias": " json-code ", "base_url": "http://127.0.0.1:8080", "app": "", "code": "${CODE_A}" }`,
    ']',
  ].join('\n');

  it('reports bad items at the line their object starts on and keeps the good ones', () => {
    const { rows, problems } = parseEnrollmentFile(json, 'json');
    expect(rows.map(({ line, alias, exact }) => ({ line, alias, exact }))).toEqual([
      { line: 2, alias: 'json-good', exact: { host: 'be', app: 'default' } },
      // Not an Exact host: it goes as given, and only a worker configured for it (a simulator) takes it.
      { line: 11, alias: 'json-code', exact: { baseUrl: 'http://127.0.0.1:8080', app: 'default' } },
    ]);
    expect(problems).toEqual([
      { line: 3, reason: expect.stringMatching(/item 2 of the array is not an object/) as string },
      { line: 4, alias: 'json-extra', reason: expect.stringMatching(/unknown field\(s\) "notes"/) as string },
      { line: 8, reason: expect.stringMatching(/alias must be text/) as string },
      { line: 9, alias: 'json-no-grant', reason: 'give a refreshToken or an authorization code' },
      { line: 10, alias: 'json-good', reason: expect.stringMatching(/already on line 2/) as string },
    ]);
  });

  it('answers invalid JSON with one error naming line and column, without quoting the text', () => {
    const broken = `[\n  { "alias": "a", "country": "nl", "refreshToken": ${TOKEN_A} }\n]`;
    const error = fileError(() => parseEnrollmentFile(broken, 'json'));
    expect(error.message).toBe('the file is not valid JSON: line 2, column 52: expected a value (text needs "quotes")');
    expect(error.message).not.toContain(TOKEN_A.slice(0, 8));
  });

  it('finds a missing comma and an unclosed string', () => {
    expect(fileError(() => parseEnrollmentFile('[{"alias": "a"}\n {"alias": "b"}]', 'json')).message).toMatch(
      /line 2, column 2: expected "," or "]" after an item/,
    );
    expect(fileError(() => parseEnrollmentFile('[{"alias": "a}]', 'json')).message).toMatch(
      /line 1, column 12: a string is not closed/,
    );
  });

  it('refuses a document that is not an array of rows', () => {
    expect(fileError(() => parseEnrollmentFile('{"alias": "a"}', 'json')).message).toMatch(/must hold a JSON array/);
  });

  it('reads a BOM, CRLF line ends and "__proto__" as a plain (unknown) field', () => {
    const text = `\uFEFF[\r\n{"alias": "a", "country": "nl", "refreshToken": "${TOKEN_A}"},\r\n{"__proto__": {"alias": "x"}}\r\n]`;
    const { rows, problems } = parseEnrollmentFile(text, 'json');
    expect(rows.map((row) => [row.line, row.alias])).toEqual([[2, 'a']]);
    expect(problems).toEqual([{ line: 3, reason: expect.stringMatching(/unknown field\(s\) "__proto__"/) as string }]);
  });
});
