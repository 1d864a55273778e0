/**
 * HTTP wiring: routes each request to the token endpoint, /Me, the control API or the login pages, reads
 * bodies, applies faults and writes answers. Decisions live in the endpoint modules. The B2C listener of the
 * hybrid flow serves only the B2C login pages. Every answer carries a Date header from Exact's clock (the
 * simulator clock plus its offset), never Node's real-time one, so a client can learn Exact's time from it.
 *
 * A client that disconnects before its answer (its timeout fired during a delay fault) is not an error of the
 * simulator: the request is dropped quietly and counted in `abandonedRequests`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer } from './answer';
import { answerControlRequest } from './control-api';
import type { SimulatorControl } from './control';
import type { RequestRoute } from './counters';
import { delayMsOf, faultAnswer, type FaultInjector, type FaultRoute, type FaultSituation } from './faults';
import { httpDate } from './http-date';
import { type ListenerPorts, loginHostsFor } from './listeners';
import { B2C_HOST_PATHS, handleLoginRoute } from './login';
import { answerMeRequest } from './me-endpoint';
import type { SimulatorState } from './state';
import { answerTokenRequest } from './token-endpoint';

export interface ServerParts {
  state: SimulatorState;
  control: SimulatorControl;
  faults: FaultInjector;
  /** Which listener this server is: the start host (base URL) or the hybrid flow's B2C host. @default 'start' */
  listener?: 'start' | 'b2c';
  /** The ports of both listeners, for pages that send the browser to the other one. @default one origin */
  ports?: ListenerPorts;
}

const TOKEN_PATH = '/api/oauth2/token';
const ME_PATH = '/api/v1/current/me';
const CONTROL_PREFIX = '/_sim/';
/** Token and control requests are small; anything bigger is a client bug, not something to buffer. */
const MAX_BODY_BYTES = 64 * 1024;

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export function createSimulatorServer(parts: ServerParts): Server {
  return createServer((req, res) => {
    stampDate(parts, res);
    handle(parts, req, res).catch((error: unknown) => {
      // The request stream fails only when the client went away while we read it: nobody to answer.
      if (req.errored !== null && error === req.errored) abandon(parts, req, res);
      else answerInternalError(res, error);
    });
  });
}

function routeOf(path: string): FaultRoute {
  // Exact's ASP.NET paths are case-insensitive.
  const lower = path.toLowerCase();
  if (lower === TOKEN_PATH) return 'token';
  if (lower === ME_PATH) return 'me';
  return 'auth';
}

function requestRouteOf(req: IncomingMessage): RequestRoute {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  return path.startsWith(CONTROL_PREFIX) ? 'control' : routeOf(path);
}

/**
 * Exact's time in the Date header, instead of the one Node would add from the machine's clock. It is read
 * when the headers go out (every path, `end()` without `writeHead()` too, passes writeHead), so an answer that
 * changed the time, or waited for a delay fault, says the time it was sent.
 */
function stampDate(parts: ServerParts, res: ServerResponse): void {
  res.sendDate = false;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = (...args: unknown[]) => {
    res.setHeader('Date', httpDate(parts.state.nowMs()));
    return writeHead(...args);
  };
}

async function handle(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const method = req.method ?? 'GET';
  const listener = parts.listener ?? 'start';
  if (listener === 'b2c' && !B2C_HOST_PATHS.has(url.pathname.toLowerCase())) return send(res, notFound());
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    const body = await readBody(req);
    const contentType = req.headers['content-type'];
    send(res, answerControlRequest(parts.control, { method, path: url.pathname, contentType, body }));
    return;
  }

  const route = routeOf(url.pathname);
  const fault = parts.faults.pick(route);
  if (fault) parts.state.counters.fault({ atMs: parts.state.nowMs(), route, kind: fault.kind });
  if (fault?.kind === 'delay') {
    await waitUnlessClientLeaves(delayMsOf(fault), res);
    if (res.destroyed) return abandon(parts, req, res);
  } else if (fault && !fault.afterProcessing) {
    return deliver(res, faultAnswer(fault, route, situation(parts)));
  }

  if (route === 'auth') {
    const hosts = parts.ports === undefined ? undefined : loginHostsFor(req, listener, parts.ports);
    if (!(await handleLoginRoute(parts.state, req, res, url, hosts))) send(res, notFound());
    return;
  }

  let answer: Answer;
  if (route === 'token') {
    if (method !== 'POST') return send(res, methodNotAllowed('POST'));
    answer = answerTokenRequest(parts.state, { contentType: req.headers['content-type'], body: await readBody(req) });
  } else {
    if (method !== 'GET') return send(res, methodNotAllowed('GET'));
    const baseUrl = `${url.protocol}//${url.host}`;
    answer = answerMeRequest(parts.state, {
      authorization: req.headers.authorization,
      baseUrl,
      select: url.searchParams.get('$select'),
    });
  }
  if (fault?.afterProcessing) {
    if (route === 'token') parts.state.counters.markLastTokenCallAnswerLost();
    return deliver(res, faultAnswer(fault, route, { ...situation(parts), processed: answer }));
  }
  send(res, answer);
}

function situation(parts: ServerParts): FaultSituation {
  const quota = parts.state.apiMinuteQuota;
  return { minutely: { limit: quota.limit, resetAtMs: quota.windowEndMs(parts.state.nowMs()) } };
}

/** Sleeps `ms`, or less when the client disconnects first: there is no one left to answer. */
async function waitUnlessClientLeaves(ms: number, res: ServerResponse): Promise<void> {
  const left = new AbortController();
  const onClose = (): void => left.abort();
  res.once('close', onClose);
  try {
    await sleep(ms, undefined, { signal: left.signal });
  } catch {
    // Aborted: the client left, which the caller sees from res.destroyed.
  } finally {
    res.off('close', onClose);
  }
}

function abandon(parts: ServerParts, req: IncomingMessage, res: ServerResponse): void {
  parts.state.counters.abandoned({ atMs: parts.state.nowMs(), route: requestRouteOf(req) });
  res.destroy();
}

function notFound(): Answer {
  return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not found' };
}

function methodNotAllowed(allowed: string): Answer {
  return {
    status: 405,
    headers: { Allow: allowed, 'Content-Type': 'text/plain; charset=utf-8' },
    body: `Use ${allowed}`,
  };
}

function deliver(res: ServerResponse, answer: Answer | 'reset'): void {
  if (answer === 'reset') res.socket?.resetAndDestroy();
  else send(res, answer);
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) });
  res.end(answer.body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function answerInternalError(res: ServerResponse, error: unknown): void {
  const tooLarge = error instanceof BodyTooLargeError;
  if (!tooLarge) console.error('simulator: internal error', error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = tooLarge ? error.message : 'internal simulator error (see the simulator log)';
  res.setHeader('Connection', 'close');
  send(res, { status: tooLarge ? 413 : 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: message });
}
