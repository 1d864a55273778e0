/**
 * The simulator's state file: what a restarted simulator needs so the tokens its clients hold stay valid and
 * Exact's rules (rotation, 570 s, idle expiry, quotas) still hold across the restart. Observation counters,
 * faults and logins in progress are not in it. It holds demo passwords, TOTP secrets and the token signing key,
 * so it is written owner-only (0600), and atomically (temp file + rename) so a crash never leaves half a file.
 *
 * A file that cannot be read or understood stops the simulator with a {@link StateFileError}: silently
 * starting empty would break every chain a keeper holds without saying why.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { checkTotpSecret } from './totp';

/** The format this simulator reads and writes; bump it when the shape changes incompatibly. */
export const STATE_FILE_VERSION = 1;

const TOKEN_KEY_BYTES = 32;
const MAX_PROBLEMS_SHOWN = 3;

const timeMs = z.number();
const quotaUses = z.array(z.strictObject({ key: z.string(), windowStartMs: timeMs, count: z.number().int().min(0) }));

const stateFileSchema = z
  .strictObject({
    version: z.literal(STATE_FILE_VERSION),
    tokenKey: z.base64().refine((key) => Buffer.from(key, 'base64').length === TOKEN_KEY_BYTES, {
      message: `must be ${TOKEN_KEY_BYTES} bytes of base64`,
    }),
    apps: z.array(
      z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(1), redirectUri: z.string().min(1) }),
    ),
    users: z.array(
      z.strictObject({
        id: z.string().min(1),
        username: z.string().min(1),
        password: z.string().min(1),
        totpSecret: z.string().refine(isUsableTotpSecret, { message: 'is not a usable base32 TOTP secret' }),
        fullName: z.string(),
        division: z.number().int().positive(),
      }),
    ),
    chains: z.array(
      z.strictObject({
        id: z.string().regex(/^[0-9a-f]{32}$/, { message: 'must be 32 lowercase hex digits' }),
        clientId: z.string(),
        userId: z.string(),
        startedAtMs: timeMs,
        status: z.enum(['live', 'superseded', 'invalidated']),
        generation: z.number().int().min(0).max(0xffff_ffff),
        issuedAtMs: timeMs,
        grace: z.strictObject({ generation: z.number().int().min(0).max(0xffff_ffff), issuedAtMs: timeMs }).optional(),
        activated: z.boolean(),
        lastAccessTokenIssuedMs: timeMs,
      }),
    ),
    codes: z.array(
      z.strictObject({
        code: z.string().min(1),
        clientId: z.string(),
        redirectUri: z.string(),
        userId: z.string(),
        expiresAtMs: timeMs,
      }),
    ),
    totpLastAcceptedStep: z.record(z.string(), z.number().int()),
    tokenQuota: quotaUses,
    apiMinuteQuota: quotaUses,
    apiDayQuota: quotaUses,
    errorBudget: z.array(
      z.strictObject({ key: z.string(), errorsAtMs: z.array(timeMs), blockedUntilMs: timeMs.optional() }),
    ),
  })
  .superRefine((state, context) => {
    const mustBeUnique: [string, string[]][] = [
      ['apps: two have the same clientId', state.apps.map((app) => app.clientId)],
      ['users: two have the same id', state.users.map((user) => user.id)],
      ['users: two have the same username', state.users.map((user) => user.username.toLowerCase())],
      ['chains: two have the same id', state.chains.map((chain) => chain.id)],
      [
        'chains: one app and user have two live chains',
        state.chains.filter((chain) => chain.status === 'live').map((chain) => `${chain.clientId} ${chain.userId}`),
      ],
    ];
    for (const [message, values] of mustBeUnique) {
      if (new Set(values).size < values.length) context.addIssue({ code: 'custom', message });
    }
  });

/** Everything the state file holds (format version 1). */
export type DurableState = z.infer<typeof stateFileSchema>;

/** Why the state file could not be used; the message names the file and what to do. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';

  constructor(
    readonly file: string,
    readonly problem: 'unreadable' | 'corrupt' | 'unwritable',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The saved state, or undefined when the file does not exist yet. */
export async function readStateFile(file: string): Promise<DurableState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StateFileError(
      file,
      'unreadable',
      `cannot read the simulator state file ${file} (${errorCode(error) ?? 'unknown error'}): ` +
        'let the simulator read it, or delete it to start fresh',
      { cause: error },
    );
  }
  return parseStateFile(file, text);
}

function parseStateFile(file: string, text: string): DurableState {
  const corrupt = (problem: string): StateFileError =>
    new StateFileError(
      file,
      'corrupt',
      `the simulator state file ${file} is not usable: ${problem}. Delete it to start the simulator fresh ` +
        '(the apps, users and chains in it are lost) or put back a good copy; the simulator will not overwrite it',
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault, and the file holds secrets: say only what it is.
    throw corrupt('it is not valid JSON (cut off, or edited by hand?)');
  }
  const version = typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined;
  if (version === undefined) throw corrupt('it has no format version (is it a simulator state file?)');
  if (version !== STATE_FILE_VERSION) {
    const seen = typeof version === 'number' ? String(version) : 'unknown';
    throw corrupt(`it has format version ${seen}, and this simulator reads version ${STATE_FILE_VERSION}`);
  }
  const result = stateFileSchema.safeParse(json);
  if (result.success) return result.data;
  // Zod's messages name the expectation, never the value found, so no secret reaches the error.
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
  const more = problems.length > MAX_PROBLEMS_SHOWN ? ` and ${problems.length - MAX_PROBLEMS_SHOWN} more` : '';
  throw corrupt(`${problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ')}${more}`);
}

/** Writes the whole state to a temp file (0600) next to `file`, then renames it over `file`. */
export async function writeStateFile(file: string, state: DurableState): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new StateFileError(
      file,
      'unwritable',
      `cannot write the simulator state file ${file} (${errorCode(error) ?? 'unknown error'}): ` +
        'check that its directory is writable by the simulator',
      { cause: error },
    );
  }
}

function isUsableTotpSecret(secret: string): boolean {
  try {
    checkTotpSecret(secret);
    return true;
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
