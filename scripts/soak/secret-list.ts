import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LabelledSecret } from '../../src/leak-scan/scan';
import type { Simulator } from '../../src/simulator';
import { observeIssues } from './issue-observer';

/** The kinds of secret a soak creates; the leak scan searches for every one of them. */
export type SecretKind =
  'password' | 'totp-secret' | 'client-secret' | 'access-token' | 'refresh-token' | 'authorization-code';

export interface RecordedSecret extends LabelledSecret {
  kind: SecretKind;
}

/** A count of zero for every kind of secret. */
export function noSecretsYet(): Record<SecretKind, number> {
  return {
    password: 0,
    'totp-secret': 0,
    'client-secret': 0,
    'access-token': 0,
    'refresh-token': 0,
    'authorization-code': 0,
  };
}

/**
 * The list of secrets a soak created, appended to a file as they appear (owner-only). Labels name the secret
 * ("refresh token 12 of soak-007"), never its value, so a leak report can be shared.
 */
export class SecretList {
  private readonly out: WriteStream;
  readonly counts = noSecretsYet();

  constructor(file: string) {
    this.out = createWriteStream(file, { flags: 'a', mode: 0o600 });
  }

  add(kind: SecretKind, label: string, value: string): void {
    this.counts[kind] += 1;
    this.out.write(`${JSON.stringify({ kind, label, value } satisfies RecordedSecret)}\n`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}

/** Reads a secrets file back (for the leak scan). */
export async function readSecretList(file: string): Promise<RecordedSecret[]> {
  const secrets: RecordedSecret[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as RecordedSecret;
    if (typeof parsed.value === 'string' && typeof parsed.label === 'string') secrets.push(parsed);
  }
  return secrets;
}

/** Records every token pair and authorization code the in-process simulator issues in the list. */
export function recordIssuedSecrets(sim: Simulator, list: SecretList, aliasOf: (userId: string) => string): void {
  const issued = new Map<string, number>();
  const label = (kind: string, userId: string): string => {
    const alias = aliasOf(userId);
    const n = (issued.get(`${kind} ${alias}`) ?? 0) + 1;
    issued.set(`${kind} ${alias}`, n);
    return `${kind} ${n} of ${alias}`;
  };
  observeIssues(sim, (event) => {
    if (event.kind === 'code') {
      list.add('authorization-code', label('authorization code', event.userId), event.code);
      return;
    }
    list.add('access-token', label('access token', event.userId), event.accessToken);
    list.add('refresh-token', label('refresh token', event.userId), event.refreshToken);
  });
}
