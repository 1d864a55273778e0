import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { classifyRateLimit, parseRateLimits } from '../exact/rate-limits';
import { containerProblem } from './errors';
import { callExact, failureError, type ExactAnswer, type ExactFailure } from './exact-call';
import type { ForwarderParts, RequestRecord } from './forwarder';
import { flatHeaders, headersFromExact, headersToExact } from './headers';
import { reportLimits } from './metrics';
import type { RequestBody } from './request-body';
import type { ProxyRoute } from './router';
import type { CheckedTarget } from './targets';

/** One consumer request on its way: what it asks, where it goes, and what the log will say. */
export interface Relay {
  req: IncomingMessage;
  res: ServerResponse;
  route: ProxyRoute;
  target: CheckedTarget;
  body: RequestBody;
  record: RequestRecord;
  /** Aborts when the consumer goes away. */
  signal: AbortSignal;
}

/**
 * Sends the request to Exact within the endpoint's error budget and the company's limits, with the container's
 * token, and streams the answer back. At most one second attempt: after a 401 with a token that has since
 * changed, or a minutely 429 (Exact refused both before processing, so any method), or a GET whose connection
 * broke.
 */
export async function relay(parts: ForwarderParts, r: Relay): Promise<void> {
  const { route, target, record } = r;
  const company = route.division ?? `current:${route.alias}`;
  const companyKey = `${target.origin}|${target.app}|${company}`;
  const companyLabel = route.division ? `division ${route.division}` : `the current division of "${route.alias}"`;
  const endpointKey = `${route.alias}|${route.division ?? 'current'}|${route.endpoint}`;
  const endpointLabel = `${route.endpoint} of "${route.alias}"${route.division ? ` in division ${route.division}` : ''}`;
  for (;;) {
    record.attempts++;
    // One queue timeout for both waits: for the endpoint's error budget, then for the company's limits.
    const waitingSince = parts.now();
    const deadline = waitingSince + parts.limits.queueTimeoutMs;
    const ticket = await parts.budget.admit(endpointKey, endpointLabel, r.signal, deadline);
    let permit;
    let token: string;
    let answer: ExactAnswer | ExactFailure;
    try {
      permit = await parts.limits.acquire(companyKey, companyLabel, r.signal, waitingSince);
      record.queuedMs += permit.queuedMs;
      parts.metrics.queued(route.alias, permit.queuedMs);
      token = await accessToken(parts, route.alias);
      const body = record.attempts === 1 ? r.body.first() : await r.body.again();
      answer = await callExact({
        method: record.method,
        url: `${target.baseUrl}${route.exactPath}`,
        headers: headersToExact(r.req.headers, token),
        body: body || undefined, // a second attempt is only made with a body to send (tryAgain)
        dispatcher: parts.dispatcher,
        timeoutMs: parts.timeoutMs,
        signal: r.signal,
      });
    } catch (error) {
      permit?.release();
      ticket.release();
      throw error;
    }
    if ('failure' in answer) {
      permit.release();
      ticket.release();
      record.failure = `${answer.failure}: ${answer.detail}`;
      // Only a read is sent again after a broken connection: a write may have been processed, and a silent
      // Exact would only keep the consumer waiting twice as long.
      if (record.attempts === 1 && record.method === 'GET' && answer.failure === 'network') continue;
      throw failureError(answer, route.alias);
    }
    const headers = flatHeaders(answer.headers);
    permit.release(headers);
    ticket.release(answer.status);
    reportLimits(parts.metrics, route, headers);
    const extra: OutgoingHttpHeaders = {};
    if (await tryAgain(parts, r, { answer, headers, token, companyKey, endpointKey, extra })) {
      await answer.body.dump();
      continue;
    }
    record.status = answer.status;
    return send(r, answer, extra);
  }
}

interface Outcome {
  answer: ExactAnswer;
  headers: Record<string, string>;
  token: string;
  companyKey: string;
  endpointKey: string;
  /** Headers to add to the answer when it is passed on. */
  extra: OutgoingHttpHeaders;
}

/** Whether this answer earns the one second attempt; learns from it either way (a block, a pause). */
async function tryAgain(parts: ForwarderParts, r: Relay, o: Outcome): Promise<boolean> {
  const { status } = o.answer;
  const first = r.record.attempts === 1;
  if (status === 401 && first) {
    // The token may have rotated since it was handed out: worth one more try only with another token.
    parts.tokens.invalidate(r.route.alias, o.token);
    const fresh = await parts.tokens.get(r.route.alias).then(
      (token) => token.accessToken,
      () => undefined,
    );
    return fresh !== undefined && fresh !== o.token && (await r.body.again()) !== false;
  }
  if (status !== 429 && status !== 403) return false;
  const limited = classifyRateLimit({ status, headers: o.headers, bodyText: '' }, '', parts.now());
  if (!limited) return false;
  if (limited.scope === 'blocked') {
    parts.budget.block(o.endpointKey, limited.retryAfterS);
    return false;
  }
  if (limited.scope === 'daily' || !first) {
    o.extra['retry-after'] = o.headers['retry-after'] ?? String(limited.retryAfterS);
    return false;
  }
  // The minute ran out (calls we did not send, such as the worker's own): wait for its reset in the queue.
  if (parseRateLimits(o.headers)?.minutelyResetMs === undefined) parts.limits.pause(o.companyKey, limited.retryAfterS);
  return (await r.body.again()) !== false;
}

async function accessToken(parts: ForwarderParts, alias: string): Promise<string> {
  try {
    return (await parts.tokens.get(alias)).accessToken;
  } catch (error) {
    throw containerProblem(alias, error);
  }
}

/** Exact's status, headers (less hop-by-hop ones) and body, streamed as they come. */
async function send(r: Relay, answer: ExactAnswer, extra: OutgoingHttpHeaders): Promise<void> {
  r.body.discard();
  r.res.writeHead(answer.status, { ...headersFromExact(answer.headers), ...extra });
  const cutOff = await streamBody(answer.body, r.res);
  if (cutOff) r.record.failure = `the answer was cut off: ${cutOff.slice(0, 120)}`;
}

/**
 * Pipes Exact's body to the consumer; resolves with why it stopped early, if it did (both ends are then closed:
 * nothing more can be said). By hand rather than stream.pipeline, whose per-call abort costs a DOMException.
 */
function streamBody(body: ExactAnswer['body'], res: ServerResponse): Promise<string | undefined> {
  return new Promise((resolve) => {
    const stop = (why: string): void => {
      body.destroy();
      res.destroy();
      resolve(why);
    };
    body.once('error', (error) => stop(error.message));
    res.once('close', () => (res.writableFinished ? resolve(undefined) : stop('the consumer closed the connection')));
    body.pipe(res);
  });
}
