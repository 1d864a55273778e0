/**
 * A stand-in for Exact that each test scripts per request (it records what arrived), with the proxy in front of
 * it: for what the simulator does not serve (writes, cut connections, silence, streamed bodies).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startProxy, type RunningProxy } from '../../src/proxy';
import { FakeTokens, REPORTS_TOKEN } from './harness';

export interface FakeExact {
  proxy: RunningProxy;
  tokens: FakeTokens;
  /** What Exact got, in order. */
  seen: { method?: string; url?: string; headers: IncomingMessage['headers'] }[];
  /** How Exact answers the next requests. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** A proxy URL for a path below `/acme/api/v1/4711`. */
  url(path: string): string;
  /** Forgets what was seen and resets the tokens (acme: `exact-token-one`). */
  reset(): void;
  close(): Promise<void>;
}

export const AUTH = { authorization: `Bearer ${REPORTS_TOKEN}` };

export async function startFakeExact(): Promise<FakeExact> {
  const seen: FakeExact['seen'] = [];
  const exact: Server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    fake.handler(req, res);
  });
  await new Promise<void>((resolve) => exact.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(exact.address() as AddressInfo).port}`;
  const tokens = new FakeTokens();
  const proxy = await startProxy({
    consumers: [{ name: 'reports', token: REPORTS_TOKEN, aliases: 'all' }],
    tokens,
    findTarget: () => Promise.resolve({ baseUrl, app: 'default' }),
    extraExactOrigins: [baseUrl],
    port: 0,
    timeoutMs: 500,
    maxRequestBytes: 64 * 1024,
  });
  const fake: FakeExact = {
    proxy,
    tokens,
    seen,
    handler: (_req, res) => res.writeHead(500).end(),
    url: (path) => `${proxy.url}/acme/api/v1/4711${path}`,
    reset() {
      seen.length = 0;
      tokens.tokens.set('acme', 'exact-token-one');
      tokens.invalidated.length = 0;
      tokens.gets = 0;
      tokens.onGet = undefined;
    },
    async close() {
      await proxy.close();
      exact.closeAllConnections();
      await new Promise((resolve) => exact.close(resolve));
    },
  };
  return fake;
}

/** The whole request body; a cut-off upload (the proxy aborted it) reads as what arrived. */
export async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch {
    // aborted: nothing to answer
  }
  return Buffer.concat(chunks).toString();
}
