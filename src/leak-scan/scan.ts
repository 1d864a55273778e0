/**
 * Finds secrets in exported material (workflow histories, logs, store files), also where they hide inside
 * base64: Temporal's JSON export carries every payload as base64, so a plain text search alone would miss a
 * secret in an unencrypted payload.
 */

/** One secret found: which one (by label, never its value) and where. */
export interface LeakHit {
  /** The caller's label of the secret, e.g. "password of demo-3". */
  secret: string;
  /** Where it was found, e.g. a file name or workflow ID. */
  source: string;
  /** How: in the text itself, or inside a base64 run of it. */
  encoding: 'plain' | 'base64';
}

/** A secret to look for. Values shorter than 8 characters are refused: they would match by chance. */
export interface LabelledSecret {
  label: string;
  value: string;
}

const MIN_SECRET_CHARS = 8;
/** Runs of base64 long enough to hold a secret of the minimum length. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

function decodedRuns(text: string): string[] {
  const decoded: string[] = [];
  for (const match of text.matchAll(BASE64_RUN)) {
    const run = match[0].replace(/-/g, '+').replace(/_/g, '/');
    // A secret may start at any of four byte alignments inside a longer base64 run only if the run was cut;
    // exported fields are whole, so decoding the run as it stands is enough.
    decoded.push(Buffer.from(run, 'base64').toString('latin1'));
  }
  return decoded;
}

/** Every secret found in `text`, plain or inside base64. */
export function scanText(text: string, source: string, secrets: readonly LabelledSecret[]): LeakHit[] {
  const usable = secrets.filter((secret) => {
    if (secret.value.length < MIN_SECRET_CHARS)
      throw new RangeError(`secret "${secret.label}" is too short to scan for`);
    return true;
  });
  const hits: LeakHit[] = [];
  const decoded = decodedRuns(text);
  for (const secret of usable) {
    if (text.includes(secret.value)) hits.push({ secret: secret.label, source, encoding: 'plain' });
    else if (decoded.some((run) => run.includes(secret.value))) {
      hits.push({ secret: secret.label, source, encoding: 'base64' });
    }
  }
  return hits;
}
