import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import password from '@inquirer/password';
import { validateTotpSecret } from '../../browser/totp';
import { parseCredentials, type LoginCredentials } from '../../credentials/credentials';
import { UsageError } from '../alias';

/** Where credentials come from: a JSON file, JSON on standard input, or (neither) questions on the terminal. */
export interface CredentialsSource {
  /** Path of a file holding `{"username","password","totpSecret"}`. */
  fromFile?: string;
  /** Read that JSON from standard input. @default false */
  stdin?: boolean;
}

/** The credentials could not be read; the message never quotes what was read. */
export class CredentialsInputError extends Error {
  override readonly name = 'CredentialsInputError';
}

const JSON_SHAPE = '{"username": "…", "password": "…", "totpSecret": "…"}';

/** Reads and validates credentials (throws CredentialsError naming the field at fault). Nothing is sealed here. */
export async function readCredentials(source: CredentialsSource): Promise<LoginCredentials> {
  if (source.fromFile !== undefined && source.stdin) throw new UsageError('give --from-file or --stdin, not both.');
  if (source.fromFile !== undefined) {
    const file = source.fromFile;
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new CredentialsInputError(`cannot read ${file} (${code}): give a file holding ${JSON_SHAPE}.`);
    });
    return parseCredentials(parseJson(text, file));
  }
  if (source.stdin) return parseCredentials(parseJson(await readStdin(), 'standard input'));
  if (!process.stdin.isTTY) {
    throw new UsageError(
      `standard input is not a terminal, so nothing can be asked: pass --stdin or --from-file with ${JSON_SHAPE}.`,
    );
  }
  return parseCredentials(await ask());
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the mistake, which may be a password.
    throw new CredentialsInputError(`${where} does not hold JSON: expected ${JSON_SHAPE}.`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal; questions go to standard error so standard output stays clean for JSON. Secrets never echo. */
async function ask(): Promise<{ username: string; password: string; totpSecret: string }> {
  const questions = createInterface({ input: process.stdin, output: process.stderr });
  let username: string;
  try {
    username = await questions.question('Exact Online username: ');
  } finally {
    questions.close();
  }
  const context = { output: process.stderr };
  const secret = await password(
    {
      message: 'Password:',
      mask: '*',
      validate: (value) => (value.trim() === '' ? 'The password is empty.' : true),
    },
    context,
  );
  const totpSecret = await password(
    {
      message: 'TOTP secret (base32, from the authenticator set-up):',
      mask: '*',
      validate: (value) => {
        try {
          validateTotpSecret(value);
          return true;
        } catch (error) {
          return (error as Error).message;
        }
      },
    },
    context,
  );
  return { username, password: secret, totpSecret };
}
