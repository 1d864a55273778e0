/**
 * A CSV file with every kind of bad row an operator makes, next to good ones, and what each bad line must be
 * reported as. Built in code (not a checked-in file) so the byte order mark and the CRLF line ends survive any
 * git line-ending setting.
 */

export const TOKEN_A = 'Yw3k!IAAAb7Qe9rTz2LmN4pXs8VhJ1cKdF6gU0aWyE5oRiT3nB';
export const TOKEN_B = 'Zq8p!IAAAm2Nc7VbX4kL9sD1fG6hJ3aQwE8rT5yU0iO2pLkJh';
export const TOKEN_C = 'Rt5u!IAAAc9Xv2Bn7Mq4Wl1Ke8Jd3Hf6Gs0Pa5Zo2Yi9Tu4Re';
export const CODE_A = 'eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJhYmMifQ.c2lnbmF0dXJlLXBhcnQtb25lLXR3by10aHJlZQ';
export const CODE_B = 'eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJkZWYifQ.b3RoZXItc2lnbmF0dXJlLXBhcnQtZm91cg';
export const PASSWORD = ' pass, "word" ';
export const PASSWORD_B = 'Winter2026!Secret';
export const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
export const BAD_TOTP_SECRET = 'NOTBASE32SECRET0189';
export const SPACED_TOKEN = 'Ab12!IAAA part two of a token';
export const SHORT_TOKEN = 'Ab12!IAAAxyz';

/** Every secret in the file: none may appear in any reason. */
export const SECRETS = [
  TOKEN_A,
  TOKEN_B,
  TOKEN_C,
  CODE_A,
  CODE_B,
  PASSWORD,
  PASSWORD.trim(),
  PASSWORD_B,
  TOTP_SECRET,
  BAD_TOTP_SECRET,
  SPACED_TOKEN,
  SHORT_TOKEN,
];

const quotedPassword = `"${PASSWORD.replaceAll('"', '""')}"`;

/** Lines of the file, line 1 first; the comment says what the line is. */
export const MALFORMED_CSV_LINES = [
  'alias,country,baseUrl,app,refreshToken,code,username,password,totpSecret', // 1 header
  `good-1,nl,,,${TOKEN_A},,,,`, // 2
  `good-2,,http://127.0.0.1:8080,reporting,,${CODE_A},,,`, // 3
  '', // 4 blank
  `,nl,,,${TOKEN_B},,,,`, // 5 missing alias
  `good-1,be,,,${TOKEN_B},,,,`, // 6 duplicate alias
  `unknown-country,xx,,,${TOKEN_B},,,,`, // 7
  `both-places,nl,https://start.exactonline.nl,,${TOKEN_B},,,,`, // 8
  `bad-url,,ftp://files.example.com,,${TOKEN_B},,,,`, // 9
  `spaced-token,nl,,,"${SPACED_TOKEN}",,,,`, // 10
  `short-token,nl,,,${SHORT_TOKEN},,,,`, // 11
  `jwt-as-refresh,nl,,,${CODE_B},,,,`, // 12
  `token-and-code,nl,,,${TOKEN_B},${CODE_B},,,`, // 13
  'no-grant,nl,,,,,,,', // 14
  `partial-credentials,nl,,,${TOKEN_B},,someone@example.com,,`, // 15
  `bad-totp,nl,,,${TOKEN_B},,someone@example.com,${PASSWORD_B},${BAD_TOTP_SECRET}`, // 16
  `too-few-columns,nl,${TOKEN_B}`, // 17
  `bad/alias,nl,,,${TOKEN_B},,,,`, // 18
  `"unclosed-quote,nl,,,${TOKEN_B},,,,`, // 19
  '# a comment line', // 20
  ` good-3 , NL ,, , ${TOKEN_C} ,, admin@example.com ,${quotedPassword}, ${TOTP_SECRET} `, // 21
  `refresh-as-code,nl,,,,${TOKEN_B},,,`, // 22
  ',,,,,,,,', // 23 only delimiters: skipped
  `too-many-columns,nl,,,${TOKEN_B},,,,,extra`, // 24
  '', // 25 (the file ends with CRLF)
];

/** The bad lines and a fragment each reason must contain. */
export const EXPECTED_PROBLEMS: { line: number; alias?: string; reason: RegExp }[] = [
  { line: 5, reason: /alias is missing/ },
  { line: 6, alias: 'good-1', reason: /already on line 2/ },
  { line: 7, alias: 'unknown-country', reason: /unknown Exact Online country "xx"/ },
  { line: 8, alias: 'both-places', reason: /either country or baseUrl, not both/ },
  { line: 9, alias: 'bad-url', reason: /baseUrl: .*must start with https:\/\// },
  { line: 10, alias: 'spaced-token', reason: /refreshToken contains white space/ },
  { line: 11, alias: 'short-token', reason: /refreshToken has 12 characters/ },
  { line: 12, alias: 'jwt-as-refresh', reason: /looks like an authorization code/ },
  { line: 13, alias: 'token-and-code', reason: /either refreshToken or code, not both/ },
  { line: 14, alias: 'no-grant', reason: /give a refreshToken or an authorization code/ },
  { line: 15, alias: 'partial-credentials', reason: /missing: password, totpSecret/ },
  { line: 16, alias: 'bad-totp', reason: /TOTP secret is not base32/ },
  { line: 17, alias: 'too-few-columns', reason: /has 3 values, but the header on line 1 has 9 columns/ },
  { line: 18, reason: /alias is not valid/ },
  { line: 19, reason: /not valid CSV: a quoted value is not closed/ },
  { line: 22, alias: 'refresh-as-code', reason: /code contains '!'/ },
  { line: 24, alias: 'too-many-columns', reason: /has 10 values/ },
];

/** The file as an Excel "CSV UTF-8" export on Windows writes it: byte order mark and CRLF. */
export function malformedCsv(): string {
  return `\uFEFF${MALFORMED_CSV_LINES.join('\r\n')}`;
}
