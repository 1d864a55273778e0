import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startCodecServer } from '../../src/crypto/codec-server';
import { loadHistoryKeys } from '../../src/crypto/history-keys';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { scanText, type LeakHit } from '../../src/leak-scan/scan';
import { startDevServer } from '../../src/temporal/dev-server';
import { decodeList, scanDecodedHistories, type CodecClient, type DecodedScanResult } from './decoded-scan';
import { exportHistories, type HistoryExport } from './history-export';
import { SecretMatcher } from './secret-matcher';
import { noSecretsYet, readSecretList, type RecordedSecret, type SecretKind } from './secret-list';
import { soakDir, type SoakDir } from './work-dir';

/** What the leak scan searched, where, and what it found (labels only, never a value). */
export interface LeakScanResult {
  passed: boolean;
  secrets: Record<SecretKind, number>;
  /** Secrets plus their URL-encoded forms (a refresh token's `!` is `%21` in a form body). */
  valuesSearched: number;
  histories: Omit<HistoryExport, 'files'>;
  files: { path: string; bytes: number }[];
  bytesScanned: number;
  hits: (LeakHit & { kind: SecretKind; confirmedByScanText: boolean })[];
  /** The matcher found one secret of each kind planted plain, in base64 and form-encoded: a scan that can fail. */
  selfCheckPassed: boolean;
  /**
   * Every history payload decoded through the codec server as the Web UI does, searched for every secret but
   * authorization codes (single use, 3 minutes: they may stay readable): what an admin could read.
   */
  decoded: DecodedScanResult & {
    /** A refresh token encoded through /encode was found again through /decode: this pass can fail. */
    selfCheckPassed: boolean;
  };
  durationS: number;
}

/** The Web UI's origin as `npm start` serves it; the soak's codec server allows it, as a deployment would. */
const UI_ORIGIN = 'http://localhost:8233';

/** Files are read in pieces this big; consecutive pieces overlap by more than the longest secret. */
const CHUNK_BYTES = 64 * 1024 * 1024;
const OVERLAP_BYTES = 64 * 1024;

/** The secret as created, and how it would look in a URL or a form body, when that differs. */
function withEncodings(secret: RecordedSecret): RecordedSecret[] {
  const forms: RecordedSecret[] = [secret];
  const encodings: [string, string][] = [
    ['form-encoded', new URLSearchParams({ v: secret.value }).toString().slice(2)],
    ['URI-encoded', encodeURIComponent(secret.value)],
  ];
  for (const [name, value] of encodings) {
    if (!forms.some((form) => form.value === value))
      forms.push({ ...secret, label: `${secret.label} (${name})`, value });
  }
  return forms;
}

/** Plants one secret of each kind in a text, three ways, and checks the matcher finds all of them. */
function selfCheck(matcher: SecretMatcher, recorded: readonly RecordedSecret[]): boolean {
  const kinds = new Set(recorded.map((secret) => secret.kind));
  for (const kind of kinds) {
    const secret = recorded.find((s) => s.kind === kind) as RecordedSecret;
    const planted = [
      `{"msg":"x","value":"${secret.value}"}`,
      Buffer.from(JSON.stringify({ secret: secret.value })).toString('base64'),
      `grant_type=refresh_token&x=${new URLSearchParams({ v: secret.value }).toString().slice(2)}`,
    ];
    for (const text of planted) {
      const found = matcher
        .scan(`noise ${text} noise`, 'self-check')
        .some((hit) => hit.secret.startsWith(secret.label));
      if (!found) return false;
    }
  }
  return kinds.size > 0;
}

/** Every file under the work directory except the secrets list, the keys and the copied source code. */
function filesToScan(dir: SoakDir): string[] {
  const files: string[] = [];
  const skipped = new Set([dir.secretsFile, dir.keysDir, dir.codeDir]);
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    // Symbolic links (the copy's node_modules) are neither files nor directories here: not followed.
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (skipped.has(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(dir.root);
  walk(join(dir.codeDir, 'data'));
  return files.sort();
}

function scanFile(
  path: string,
  source: string,
  matcher: SecretMatcher,
  byLabel: Map<string, RecordedSecret>,
): LeakScanResult['hits'] {
  const hits = new Map<string, LeakScanResult['hits'][number]>();
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (let position = 0; ;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, position);
      if (read === 0) break;
      // latin1 keeps every byte as one character: binary files (SQLite) scan as they are, UTF-8 text's ASCII too.
      const text = buffer.toString('latin1', 0, read);
      for (const hit of matcher.scan(text, source, position > 0)) {
        const key = `${hit.secret}\u0000${hit.encoding}`;
        if (hits.has(key)) continue;
        const secret = byLabel.get(hit.secret) as RecordedSecret;
        // The matcher is a faster scanText; each hit is checked again by scanText itself.
        const confirmed = scanText(text, source, [secret]).length > 0;
        hits.set(key, { ...hit, kind: secret.kind, confirmedByScanText: confirmed });
      }
      if (read < CHUNK_BYTES) break;
      position += read - OVERLAP_BYTES;
    }
  } finally {
    closeSync(fd);
  }
  return [...hits.values()];
}

/** Encodes a refresh token through /encode and decodes it through /decode: the pass must find it again. */
async function decodedSelfCheck(codec: CodecClient, matcher: SecretMatcher, secret: RecordedSecret): Promise<boolean> {
  const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: '' };
  plain.data = Buffer.from(JSON.stringify({ refreshToken: secret.value })).toString('base64');
  const encoded = await fetch(`${codec.url}/encode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: UI_ORIGIN },
    body: JSON.stringify({ payloads: [plain] }),
  });
  if (!encoded.ok) return false;
  const [box] = ((await encoded.json()) as { payloads: (typeof plain)[] }).payloads;
  if (box === undefined || matcher.scan(JSON.stringify(box), 'self-check').length > 0) return false;
  const decoded = await decodeList(codec, [box]);
  return Array.isArray(decoded) && matcher.scan(JSON.stringify(decoded), 'self-check').length > 0;
}

/** The history files of a work directory: those this run exported, else every one a kept directory holds. */
function historyFiles(dir: SoakDir, histories: HistoryExport): string[] {
  if (histories.files.length > 0) return [...histories.files].sort();
  if (!existsSync(dir.historiesDir)) return [];
  return readdirSync(dir.historiesDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(dir.historiesDir, name))
    .sort();
}

/**
 * The decoded pass: a codec server on loopback with the run's history keys, every history payload through its
 * /decode with the Web UI's headers, the decoded text searched for every secret but authorization codes.
 */
async function scanDecoded(
  dir: SoakDir,
  histories: HistoryExport,
  searched: readonly RecordedSecret[],
): Promise<LeakScanResult['decoded']> {
  const secrets = searched.filter((secret) => secret.kind !== 'authorization-code');
  const matcher = new SecretMatcher(secrets);
  const codecServer = await startCodecServer({
    codec: await SodiumPayloadCodec.create(await loadHistoryKeys(dir.keysDir)),
    allowedOrigins: [UI_ORIGIN],
  });
  try {
    const codec: CodecClient = { url: codecServer.url, namespace: 'default', origin: UI_ORIGIN };
    const result = await scanDecodedHistories({
      files: historyFiles(dir, histories),
      root: dir.root,
      codec,
      matcher,
      secrets: new Map(secrets.map((secret) => [secret.label, secret])),
    });
    const probe = secrets.find((secret) => secret.kind === 'refresh-token');
    const selfCheckPassed = probe !== undefined && (await decodedSelfCheck(codec, matcher, probe));
    return { ...result, selfCheckPassed };
  } finally {
    await codecServer.close();
  }
}

/**
 * Searches every file of a soak's work directory (worker logs, the store's SQLite files, Temporal's SQLite
 * files, the exported histories) for every secret the run created, plain and inside base64; then decodes every
 * history payload through the codec server, as an admin's Web UI would, and searches that too.
 */
export async function scanSoakDir(dir: SoakDir, histories: HistoryExport): Promise<LeakScanResult> {
  const startedAt = Date.now();
  const recorded = await readSecretList(dir.secretsFile);
  const counts = noSecretsYet();
  for (const secret of recorded) counts[secret.kind] += 1;
  const searched = recorded.flatMap(withEncodings);
  const matcher = new SecretMatcher(searched);
  const byLabel = new Map(searched.map((s) => [s.label, s]));

  const files: LeakScanResult['files'] = [];
  const hits: LeakScanResult['hits'] = [];
  for (const path of filesToScan(dir)) {
    const source = relative(dir.root, path);
    files.push({ path: source, bytes: statSync(path).size });
    hits.push(...scanFile(path, source, matcher, byLabel));
  }
  const decoded = await scanDecoded(dir, histories, searched);
  const { files: _exported, ...historySummary } = histories;
  const selfCheckPassed = selfCheck(matcher, recorded);
  const decodedPassed = decoded.hits.length === 0 && decoded.failed.length === 0 && decoded.selfCheckPassed;
  return {
    passed: hits.length === 0 && selfCheckPassed && histories.failed.length === 0 && decodedPassed,
    secrets: counts,
    valuesSearched: searched.length,
    histories: historySummary,
    files,
    bytesScanned: files.reduce((sum, f) => sum + f.bytes, 0),
    hits,
    selfCheckPassed,
    decoded,
    durationS: Math.round((Date.now() - startedAt) / 100) / 10,
  };
}

/**
 * The leak scan on its own, for a work directory a soak kept (`--keep`): starts a dev server on the run's
 * Temporal database (unless `address` names one that serves it), exports every history, stops it, and scans.
 */
export async function runLeakScan(root: string, options: { address?: string } = {}): Promise<LeakScanResult> {
  const dir = soakDir(root);
  for (const needed of [dir.secretsFile, dir.temporalDb]) {
    if (!existsSync(needed)) {
      throw new Error(`${root} is not a kept soak directory: ${needed} is missing (run the soak with --keep)`);
    }
  }
  let histories: HistoryExport;
  if (options.address) {
    histories = await exportHistories(options.address, dir.historiesDir);
  } else {
    const server = await startDevServer({ dbFilename: dir.temporalDb, startTimeoutS: 120 });
    try {
      histories = await exportHistories(server.address, dir.historiesDir);
    } finally {
      await server.stop();
    }
  }
  return scanSoakDir(dir, histories);
}
