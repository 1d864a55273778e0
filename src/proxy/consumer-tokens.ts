import { readFile } from 'node:fs/promises';
import { CONSUMER_TOKEN_MIN_CHARS } from './constants';

/** One consumer of the proxy: who it is in the log, its bearer token, and the aliases it may use. */
export interface ConsumerEntry {
  name: string;
  token: string;
  /** The aliases it may call, or 'all'. */
  aliases: ReadonlySet<string> | 'all';
}

/** The consumer tokens cannot be used; `problems` has one line per mistake, none holding a token. */
export class ConsumerTokensError extends Error {
  override readonly name = 'ConsumerTokensError';
  constructor(
    readonly problems: string[],
    source: string,
  ) {
    super(`${source}: ${problems.join('; ')}`);
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TOKEN = /^[\x21-\x7e]+$/;

/**
 * Reads consumer entries, `name:token` (every alias) or `name:token:alias1|alias2`, separated by commas or new
 * lines; blank lines and lines starting with `#` are skipped. Refuses short or repeated tokens and repeated names,
 * naming the entry by number and name, never by its token.
 */
export function parseConsumerTokens(text: string, source = 'CHAINKEEPER_PROXY_TOKENS'): ConsumerEntry[] {
  const problems: string[] = [];
  const entries: ConsumerEntry[] = [];
  const items = text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  items.forEach((item, index) => {
    const [name = '', token = '', aliases, ...rest] = item.split(':');
    const which = NAME.test(name) ? `entry ${index + 1} ("${name}")` : `entry ${index + 1}`;
    if (rest.length > 0 || !NAME.test(name) || token === '') {
      problems.push(`${which}: write name:token or name:token:alias1|alias2 (name: letters, digits, . _ -)`);
      return;
    }
    if (token.length < CONSUMER_TOKEN_MIN_CHARS || !TOKEN.test(token)) {
      problems.push(
        `${which}: the token must be at least ${CONSUMER_TOKEN_MIN_CHARS} printable characters without spaces, ` +
          'commas or colons (e.g. `openssl rand -hex 32`)',
      );
      return;
    }
    const allowed = aliases === undefined || aliases.trim() === '*' ? 'all' : aliasSet(aliases);
    if (allowed !== 'all' && (allowed.size === 0 || [...allowed].some((alias) => !ALIAS.test(alias)))) {
      problems.push(`${which}: aliases are separated by "|" and use letters, digits, ".", "_" or "-"`);
      return;
    }
    if (entries.some((entry) => entry.name === name)) problems.push(`${which}: the name is used twice`);
    const twin = entries.find((entry) => entry.token === token);
    if (twin) problems.push(`${which}: has the same token as "${twin.name}"; give every consumer its own`);
    entries.push({ name, token, aliases: allowed });
  });
  if (problems.length > 0) throw new ConsumerTokensError(problems, source);
  return entries;
}

function aliasSet(text: string): Set<string> {
  return new Set(
    text
      .split('|')
      .map((alias) => alias.trim())
      .filter(Boolean),
  );
}

/** Reads a consumer tokens file (the same entries, one a line); a {@link ConsumerTokensError} naming the file. */
export async function readConsumerTokensFile(path: string): Promise<ConsumerEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConsumerTokensError([`cannot read the consumer tokens file (${code})`], path);
  }
  return parseConsumerTokens(text, path);
}
