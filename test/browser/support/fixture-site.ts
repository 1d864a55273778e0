/**
 * A tiny login site for the browser tests, on 127.0.0.1: routes answer with fixed HTML, redirects, server
 * errors or silence, and every request is recorded (method, path, form) in the order it arrived, so a test can
 * check what reached the server and when. Independent of the simulator on purpose: its pages are the tests'
 * own static fixtures.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the site saw it. */
export interface SiteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
}

/** How a route answers: a page, a redirect, or nothing at all (`hang`). */
export interface Reply {
  status?: number;
  html?: string;
  location?: string;
  hang?: boolean;
  headers?: Record<string, string>;
}

export type Route = (request: SiteRequest) => Reply | Promise<Reply>;

export interface FixtureSite {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Every request so far, in arrival order. */
  readonly requests: SiteRequest[];
  /** The POSTs so far. */
  posts(): SiteRequest[];
  /** Told of each request as it arrives (its body read), before it is answered. */
  onRequest: ((request: SiteRequest) => void) | undefined;
  /** Adds or replaces routes (by path, without query). */
  route(routes: Record<string, Route>): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFixtureSite(routes: Record<string, Route> = {}): Promise<FixtureSite> {
  const table = new Map(Object.entries(routes));
  const requests: SiteRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void answer(req, res));

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const request: SiteRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      form: new URLSearchParams(req.method === 'POST' ? body : ''),
    };
    requests.push(request);
    site.onRequest?.(request);
    const route = table.get(url.pathname);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title><h1>Not found</h1>');
      return;
    }
    const reply = await route(request);
    if (reply.hang === true) return;
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', ...reply.headers };
    if (reply.location !== undefined) headers['location'] = reply.location;
    res.writeHead(reply.status ?? (reply.location === undefined ? 200 : 303), headers).end(reply.html ?? '');
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const site: FixtureSite = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    posts: () => requests.filter((request) => request.method === 'POST'),
    route(more) {
      for (const [path, handler] of Object.entries(more)) table.set(path, handler);
    },
    async close() {
      // Hanging answers keep their sockets open; end them so close() returns.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    onRequest: undefined,
  };
  return site;
}
