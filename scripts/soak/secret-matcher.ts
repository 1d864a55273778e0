import type { LabelledSecret, LeakHit } from '../../src/leak-scan/scan';

/**
 * {@link scanText}'s search (plain, and inside every base64 run) for tens of thousands of secrets over hundreds
 * of megabytes: scanText compares every secret with the whole text, which is fine for a test's dozen secrets
 * and far too slow for a soak's every token. Here a rolling hash of each position's first {@link KEY_CHARS}
 * characters is looked up in a bit set, and only a hit compares whole secrets, so a text is read once.
 */

/** scanText refuses shorter secrets for the same reason: they would match by chance. */
const KEY_CHARS = 8;
const BASE = 257;
/** BASE^(KEY_CHARS-1) mod 2^32, to take the leaving character out of the rolling hash. */
const BASE_POW = Array.from({ length: KEY_CHARS - 1 }).reduce<number>((acc) => Math.imul(acc, BASE) >>> 0, 1);
const FILTER_BITS = 1 << 24;
const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

function hashAt(text: string, at: number): number {
  let hash = 0;
  for (let i = at; i < at + KEY_CHARS; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) >>> 0;
  return hash;
}

function decodeBase64Run(run: string): string {
  return Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
}

export class SecretMatcher {
  private readonly filter = new Uint8Array(FILTER_BITS / 8);
  private readonly byKey = new Map<string, LabelledSecret[]>();
  readonly size: number;

  constructor(secrets: readonly LabelledSecret[]) {
    for (const secret of secrets) {
      if (secret.value.length < KEY_CHARS) throw new RangeError(`secret "${secret.label}" is too short to scan for`);
      const key = secret.value.slice(0, KEY_CHARS);
      const hash = hashAt(key, 0) & (FILTER_BITS - 1);
      this.filter[hash >>> 3]! |= 1 << (hash & 7);
      const list = this.byKey.get(key);
      if (list) list.push(secret);
      else this.byKey.set(key, [secret]);
    }
    this.size = secrets.length;
  }

  /** The secrets that occur in `text` as they are. */
  findPlain(text: string, found = new Set<LabelledSecret>()): Set<LabelledSecret> {
    if (text.length < KEY_CHARS) return found;
    let hash = hashAt(text, 0);
    for (let i = 0; ; i++) {
      const bit = hash & (FILTER_BITS - 1);
      if (this.filter[bit >>> 3]! & (1 << (bit & 7))) {
        for (const secret of this.byKey.get(text.slice(i, i + KEY_CHARS)) ?? []) {
          if (text.startsWith(secret.value, i)) found.add(secret);
        }
      }
      if (i + KEY_CHARS >= text.length) break;
      const leaving = Math.imul(text.charCodeAt(i), BASE_POW);
      hash = (Math.imul((hash - leaving) | 0, BASE) + text.charCodeAt(i + KEY_CHARS)) >>> 0;
    }
    return found;
  }

  /**
   * Every secret in `text`, plain or inside a base64 run, as {@link scanText} reports them: one hit per secret,
   * plain when it occurs plain. `cutAtStart` says the text starts inside a file, so a base64 run at its very
   * start may be cut at any byte alignment: it is then decoded at all four.
   */
  scan(text: string, source: string, cutAtStart = false): LeakHit[] {
    const plain = this.findPlain(text);
    const encoded = new Set<LabelledSecret>();
    for (const match of text.matchAll(BASE64_RUN)) {
      const run = match[0];
      const shifts = cutAtStart && match.index === 0 ? [0, 1, 2, 3] : [0];
      for (const shift of shifts) this.findPlain(decodeBase64Run(run.slice(shift)), encoded);
    }
    const hits: LeakHit[] = [];
    for (const secret of plain) hits.push({ secret: secret.label, source, encoding: 'plain' });
    for (const secret of encoded) {
      if (!plain.has(secret)) hits.push({ secret: secret.label, source, encoding: 'base64' });
    }
    return hits;
  }
}
