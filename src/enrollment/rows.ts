import { z } from 'zod';
import { checkAlias } from '../cli/alias';
import { CredentialsError, parseCredentials, type LoginCredentials } from '../credentials/credentials';
import { ExactSettingsError } from '../exact/errors';
import { hostTarget } from '../exact/hosts';
import type { ExactTarget } from '../../contract/container';
import type { SealedCredentialsInput } from '../../contract/sealed';

/** The columns of an enrollment file (CSV header names, JSON field names), in the order the usage text lists them. */
export const ENROLLMENT_COLUMNS = [
  'alias',
  'country',
  'baseUrl',
  'host',
  'app',
  'refreshToken',
  'code',
  'username',
  'password',
  'totpSecret',
] as const;

export type EnrollmentColumn = (typeof ENROLLMENT_COLUMNS)[number];

/** One row as read from a file: values as given (CSV trimmed), empty ones absent. */
export type RawRow = Partial<Record<EnrollmentColumn, string>>;

/**
 * A row's grant as the file gives it. A refresh token is sealed to the organization key before it is sent
 * (`createTemporalContainerAdmin`'s `sealRefreshToken`): the workflow refuses one in plaintext.
 */
export type FileGrant = { refreshToken: string } | { code: string };

/** A row that passed every check, ready to enroll; its credentials are already sealed. */
export interface EnrollmentRow {
  /** Physical line in the file (1-based) where the row starts. */
  line: number;
  alias: string;
  exact: ExactTarget;
  grant: FileGrant;
  credentials?: SealedCredentialsInput;
}

/** A row that cannot be enrolled, or a line that is not a row. `reason` never holds a secret. */
export interface RowProblem {
  line: number;
  /** The row's alias, when it has a valid one. */
  alias?: string;
  reason: string;
}

/** Seals validated credentials (e.g. `sealCredentials` bound to the organization's public key). */
export type CredentialSealer = (credentials: LoginCredentials) => SealedCredentialsInput;

export interface RowCheckOptions {
  /** Seals a row's credentials as it is read. Without it, rows with credentials are refused. @default none */
  seal?: CredentialSealer;
  /** The app of rows whose app column is empty. @default 'default' */
  defaultApp?: string;
}

export type RowCheck = { ok: true; row: Omit<EnrollmentRow, 'line'> } | { ok: false; alias?: string; reason: string };

/** Bounds of what Exact hands out (as the workflow's renewAuthorization validator checks). */
const MIN_GRANT_CHARS = 16;
const MAX_GRANT_CHARS = 8192;
const SECRET_COLUMNS = ['refreshToken', 'code', 'password', 'totpSecret'] as const;
const CREDENTIAL_COLUMNS = ['username', 'password', 'totpSecret'] as const;

const grantText = (column: 'refreshToken' | 'code') =>
  z
    .string()
    .refine((value) => value.length >= MIN_GRANT_CHARS && value.length <= MAX_GRANT_CHARS, {
      error: (issue) =>
        `${column} has ${String(issue.input).length} characters; Exact's have ${MIN_GRANT_CHARS}–${MAX_GRANT_CHARS}: copy the whole value`,
    })
    .refine(
      (value) => !/\s/.test(value),
      `${column} contains white space: copy it again without spaces or line breaks`,
    );

const rowSchema = z
  .object({
    alias: z
      .string({ error: 'alias is missing' })
      .refine(
        isAlias,
        "alias is not valid: use 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit",
      ),
    country: z.string().optional(),
    baseUrl: z.string().optional(),
    host: z.string().optional(),
    app: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "app is not a valid app name: use letters, digits, '.', '_' or '-'")
      .optional(),
    refreshToken: grantText('refreshToken')
      .refine(
        (value) => value.split('.').length !== 3,
        'refreshToken looks like an authorization code (a JWT): put it in the code column',
      )
      .optional(),
    // The redirect URL carries the code URL-encoded; Exact wants it decoded (facts §1.2).
    code: grantText('code')
      .refine(
        (value) => !value.includes('!'),
        "code contains '!', which refresh tokens have and authorization codes do not: put it in the refreshToken column",
      )
      .transform((value, ctx) => {
        if (!/%[0-9A-Fa-f]{2}/.test(value)) return value;
        try {
          return decodeURIComponent(value);
        } catch {
          ctx.issues.push({ code: 'custom', message: 'code is URL-encoded but does not decode', input: value });
          return z.NEVER;
        }
      })
      .optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    totpSecret: z.string().optional(),
  })
  .superRefine(checkAcrossColumns, { when: () => true });

function isAlias(value: string): boolean {
  return validAlias(value) !== undefined;
}

/** `value` when it is a valid alias (the CLI's rule), else undefined: only valid aliases are echoed in reports. */
export function validAlias(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return checkAlias(value);
  } catch {
    return undefined;
  }
}

/** The rules that span columns; they run even when a column failed, so a row reports all its problems at once. */
function checkAcrossColumns(row: RawRow, ctx: z.RefinementCtx): void {
  const problem = (message: string): void => ctx.addIssue({ code: 'custom', message });
  if (row.country !== undefined && row.baseUrl !== undefined) problem('give either country or baseUrl, not both');
  else {
    try {
      hostTarget({ country: row.country, host: row.host, baseUrl: row.baseUrl });
    } catch (error) {
      if (!(error instanceof ExactSettingsError)) throw error;
      problem(row.baseUrl === undefined ? error.message : `baseUrl: ${error.message}`);
    }
  }
  if (row.refreshToken !== undefined && row.code !== undefined) problem('give either refreshToken or code, not both');
  if (row.refreshToken === undefined && row.code === undefined) problem('give a refreshToken or an authorization code');
  const missing = CREDENTIAL_COLUMNS.filter((column) => row[column] === undefined);
  if (missing.length > 0 && missing.length < CREDENTIAL_COLUMNS.length) {
    problem(`credentials need username, password and totpSecret together (missing: ${missing.join(', ')})`);
  } else if (missing.length === 0) {
    try {
      parseCredentials(row);
    } catch (error) {
      if (!(error instanceof CredentialsError)) throw error;
      problem(error.message);
    }
  }
}

/** Validates one row and seals its credentials. Reasons never repeat a token, code, password or TOTP secret. */
export function checkRow(raw: RawRow, options: RowCheckOptions = {}): RowCheck {
  const alias = validAlias(raw.alias);
  const refuse = (reason: string): RowCheck => ({ ok: false, alias, reason: withoutSecrets(reason, raw) });
  const parsed = rowSchema.safeParse(raw);
  if (!parsed.success) return refuse(parsed.error.issues.map((issue) => issue.message).join('; '));
  const row = parsed.data;
  // The container names its host; the worker maps it to a base URL from its own configuration.
  const exact = {
    ...hostTarget({ country: row.country, host: row.host, baseUrl: row.baseUrl }),
    app: row.app ?? options.defaultApp ?? 'default',
  };
  const grant: FileGrant = row.code !== undefined ? { code: row.code } : { refreshToken: row.refreshToken! };
  if (row.username === undefined || row.password === undefined || row.totpSecret === undefined) {
    return { ok: true, row: { alias: row.alias, exact, grant } };
  }
  if (!options.seal) return refuse('has credentials, but no organization public key was given to seal them');
  try {
    const credentials = options.seal({ username: row.username, password: row.password, totpSecret: row.totpSecret });
    return { ok: true, row: { alias: row.alias, exact, grant, credentials } };
  } catch (error) {
    return refuse(`credentials cannot be sealed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Belt and braces: no message built above quotes a secret, but a value pasted into the wrong column (a token
 * as the country) would be echoed by the check of that column.
 */
function withoutSecrets(reason: string, raw: RawRow): string {
  let clean = reason;
  for (const column of SECRET_COLUMNS) {
    const value = raw[column];
    if (value !== undefined && value.length >= 4) clean = clean.split(value).join(`[${column}]`);
  }
  return clean;
}
