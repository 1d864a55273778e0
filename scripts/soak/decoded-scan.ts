import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { LeakHit } from '../../src/leak-scan/scan';
import { mapPool } from './pool';
import type { SecretMatcher } from './secret-matcher';
import type { RecordedSecret, SecretKind } from './secret-list';

/*
 * The raw scan reads histories as Temporal stores them: encrypted payloads show nothing. An admin with the codec
 * server sees them decoded, so this pass decodes every payload of every exported history through the codec
 * server's /decode exactly as the Web UI does (one POST per payload list, the UI's headers) and searches what
 * comes back. Whatever it finds, an admin could read.
 */

/** A payload as the Temporal CLI's JSON export and the codec protocol carry it: base64 metadata values and data. */
export interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

/** How to reach the codec server as the Web UI would. */
export interface CodecClient {
  /** Base URL; `/decode` is appended. */
  url: string;
  /** The namespace the UI names in `X-Namespace`. @default 'default' */
  namespace?: string;
  /** The UI's origin, which a browser sends with every cross-origin request. @default none */
  origin?: string;
  /** `Authorization` as the UI sends it with TEMPORAL_CODEC_PASS_ACCESS_TOKEN (`Bearer <jwt>`). @default none */
  authorization?: string;
}

export interface DecodedScanResult {
  /** Payloads sent through /decode. */
  payloads: number;
  /** /decode requests made (one per payload list, as the UI makes them). */
  requests: number;
  /** Lists the codec server refused: the pass cannot vouch for them. Never holds payload content. */
  failed: { source: string; status: number; problem: string }[];
  /** Secrets found in decoded payloads, by label only. */
  hits: (LeakHit & { kind: SecretKind })[];
  durationS: number;
}

function isPayload(value: unknown): value is JsonPayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { metadata, data } = value as Record<string, unknown>;
  return (
    typeof data === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    Object.values(metadata).every((v) => typeof v === 'string')
  );
}

/**
 * Every payload list of an exported history, as the UI decodes them: a `payloads` array is one list (inputs,
 * results, signal and update arguments), any other payload (memo, header, failure details, user metadata) a
 * list of one.
 */
export function payloadLists(json: unknown): JsonPayload[][] {
  const lists: JsonPayload[][] = [];
  const walk = (node: unknown, key: string | undefined): void => {
    if (Array.isArray(node)) {
      if (key === 'payloads' && node.length > 0 && node.every(isPayload)) lists.push(node);
      else node.forEach((item) => walk(item, undefined));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (isPayload(node)) {
      lists.push([node]);
      return;
    }
    for (const [childKey, child] of Object.entries(node)) walk(child, childKey);
  };
  walk(json, undefined);
  return lists;
}

/** One /decode request with the Web UI's headers; the decoded list, or why the server refused. */
export async function decodeList(
  codec: CodecClient,
  payloads: JsonPayload[],
): Promise<JsonPayload[] | { status: number; problem: string }> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Namespace': codec.namespace ?? 'default',
  };
  if (codec.origin) headers.Origin = codec.origin;
  if (codec.authorization) headers.Authorization = codec.authorization;
  const response = await fetch(`${codec.url}/decode`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ payloads }),
  });
  const text = await response.text();
  if (!response.ok) {
    // The codec server's error bodies say what was wrong and never quote a payload.
    const problem = (JSON.parse(text) as { error?: string }).error ?? `HTTP ${response.status}`;
    return { status: response.status, problem };
  }
  return (JSON.parse(text) as { payloads: JsonPayload[] }).payloads;
}

/** The text an admin would read: each payload's metadata and data as UTF-8 (latin1 keeps binary bytes as they are). */
function readable(payload: JsonPayload): string {
  const metadata = Object.entries(payload.metadata).map(
    ([key, value]) => `${key}=${Buffer.from(value, 'base64').toString('latin1')}`,
  );
  return `${metadata.join(' ')}\n${Buffer.from(payload.data, 'base64').toString('latin1')}`;
}

/**
 * Decodes every payload of the exported history files through the codec server and searches the decoded text for
 * `secrets` (plain and inside base64), with `matcher` built over them. `root` makes sources relative.
 */
export async function scanDecodedHistories(options: {
  files: readonly string[];
  root: string;
  codec: CodecClient;
  matcher: SecretMatcher;
  secrets: ReadonlyMap<string, RecordedSecret>;
  /** Parallel /decode requests. @default 4 */
  concurrency?: number;
}): Promise<DecodedScanResult> {
  const startedAt = Date.now();
  const result: DecodedScanResult = { payloads: 0, requests: 0, failed: [], hits: [], durationS: 0 };
  for (const file of options.files) {
    const source = relative(options.root, file);
    const lists = payloadLists(JSON.parse(readFileSync(file, 'utf8')));
    const seen = new Set<string>();
    await mapPool(lists, options.concurrency ?? 4, async (list) => {
      result.requests += 1;
      result.payloads += list.length;
      const decoded = await decodeList(options.codec, list);
      if (!Array.isArray(decoded)) {
        result.failed.push({ source, ...decoded });
        return;
      }
      for (const payload of decoded) {
        for (const hit of options.matcher.scan(readable(payload), `${source} (decoded)`)) {
          if (seen.has(hit.secret)) continue;
          seen.add(hit.secret);
          result.hits.push({ ...hit, kind: options.secrets.get(hit.secret)!.kind });
        }
      }
    });
  }
  result.durationS = Math.round((Date.now() - startedAt) / 100) / 10;
  return result;
}
