import type { BrowserContext, Request } from 'playwright-core';

/** One call the browser made that matters for payload encryption, in the order the browser made them. */
export interface UiCall {
  kind: 'encode' | 'decode' | 'signal' | 'update';
  url: string;
  /** The JSON payloads of the request: for encode, what the UI asked to encrypt; for signal/update, what it sent. */
  payloads: SentPayload[];
  /** HTTP status of the answer, once it came. */
  status?: number;
}

export interface SentPayload {
  encoding: string;
  /** The payload's data as text (UTF-8 of the base64-decoded bytes). */
  data: string;
}

/**
 * Records the Web UI's calls to the codec server (`/encode`, `/decode`) and its signal and update requests to
 * its own API, so a test can see whether a dialog's input went through `/encode` before it was sent.
 */
export class UiTraffic {
  readonly calls: UiCall[] = [];

  constructor(
    context: BrowserContext,
    private readonly codecUrl: string,
    uiUrl: string,
  ) {
    const byRequest = new Map<Request, UiCall>();
    context.on('request', (request) => {
      const kind = this.kindOf(request.url(), uiUrl);
      if (!kind || request.method() !== 'POST') return;
      const call: UiCall = { kind, url: request.url(), payloads: sentPayloads(request.postData()) };
      byRequest.set(request, call);
      this.calls.push(call);
    });
    context.on('response', (response) => {
      const call = byRequest.get(response.request());
      if (call) call.status = response.status();
    });
  }

  of(kind: UiCall['kind']): UiCall[] {
    return this.calls.filter((call) => call.kind === kind);
  }

  /** Position of the first call of `kind` whose payloads carry `text`, or -1. */
  indexOf(kind: UiCall['kind'], text: string): number {
    return this.calls.findIndex((call) => call.kind === kind && call.payloads.some((p) => p.data.includes(text)));
  }

  private kindOf(url: string, uiUrl: string): UiCall['kind'] | undefined {
    const path = new URL(url).pathname;
    if (url.startsWith(this.codecUrl)) return path === '/encode' ? 'encode' : path === '/decode' ? 'decode' : undefined;
    if (!url.startsWith(`${uiUrl}/api/`)) return undefined;
    if (/\/workflows\/[^/]+\/signal\//.test(path)) return 'signal';
    if (/\/workflows\/[^/]+\/update\//.test(path)) return 'update';
    return undefined;
  }
}

/** Finds every `{ metadata, data }` payload in a request body, wherever the API nests it. */
function sentPayloads(body: string | null): SentPayload[] {
  if (!body) return [];
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [];
  }
  const found: SentPayload[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    const metadata = record.metadata as Record<string, unknown> | undefined;
    if (typeof record.data === 'string' && typeof metadata?.encoding === 'string') {
      found.push({ encoding: fromBase64(metadata.encoding), data: fromBase64(record.data) });
      return;
    }
    Object.values(record).forEach(visit);
  };
  visit(json);
  return found;
}

function fromBase64(value: string): string {
  return Buffer.from(value, 'base64').toString();
}
