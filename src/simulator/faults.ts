/**
 * Fault injection per route: the network and server failures a client of Exact must survive (slow answers,
 * 5xx, dropped connections, HTML error pages, cut-off or empty bodies, a minutely 429). A fault fires before
 * the request is processed, so it changes no chain, unless the rule says `afterProcessing`: then the simulator
 * does the work (a refresh rotates the chain) and only the answer is lost or mangled. A client that gives up
 * during a `delay` has nothing processed: the request ends as if it never arrived.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Answer } from './answer';
import { seededRandom } from './prng';
import { minutelyLimitAnswer } from './rate-limit-answers';

export const faultRuleSchema = z
  .strictObject({
    route: z.enum(['token', 'me', 'auth']),
    kind: z.enum(['delay', '5xx', 'reset', 'html', 'truncated', 'empty', '429']),
    probability: z.number().min(0).max(1).optional(),
    count: z.number().int().positive().optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    status: z.number().int().min(200).max(599).optional(),
    afterProcessing: z.boolean().optional(),
  })
  .refine((rule) => rule.probability === undefined || rule.count === undefined, {
    message: 'give probability or count, not both',
  })
  .refine((rule) => !rule.afterProcessing || (rule.kind !== 'delay' && rule.route !== 'auth'), {
    message: 'afterProcessing applies to the token and me routes and to faults other than delay',
  })
  .refine((rule) => rule.kind !== '5xx' || rule.status === undefined || rule.status >= 500, {
    message: 'a 5xx fault needs a status of 500 or more',
  })
  .refine((rule) => rule.kind !== '429' || (rule.route !== 'auth' && !rule.afterProcessing && !rule.status), {
    message: 'a 429 fault applies to the token and me routes, before processing, and always answers 429',
  });

/**
 * One fault rule. Without `probability` or `count` it hits every request on its route until cleared.
 * `probability` draws from the simulator's seeded PRNG; `count` hits the next N requests.
 * `delayMs` (delay only) @default 1000. `status` for 5xx @default 503, for html @default 500 (200 allowed).
 * `afterProcessing` @default false. `429` answers as Exact's minutely limit does (token and me routes only).
 */
export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultRoute = FaultRule['route'];

const DEFAULT_DELAY_MS = 1000;

export class FaultInjector {
  private rules: { id: number; rule: FaultRule; left?: number }[] = [];
  private nextId = 1;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ id, rule, left: rule.count });
    return id;
  }

  clear(): void {
    this.rules = [];
  }

  list(): (FaultRule & { id: number; left?: number })[] {
    return this.rules.map(({ id, rule, left }) => ({ ...rule, id, left }));
  }

  /** The first rule for `route` that fires for this request, if any (count rules are used up as they fire). */
  pick(route: FaultRoute): FaultRule | undefined {
    for (const entry of this.rules) {
      if (entry.rule.route !== route) continue;
      if (entry.left !== undefined) {
        entry.left--;
        if (entry.left === 0) this.rules = this.rules.filter((other) => other !== entry);
        return entry.rule;
      }
      if (entry.rule.probability === undefined || this.random() < entry.rule.probability) return entry.rule;
    }
    return undefined;
  }
}

export function delayMsOf(rule: FaultRule): number {
  return rule.delayMs ?? DEFAULT_DELAY_MS;
}

/** What a fault's answer may draw on besides the rule. */
export interface FaultSituation {
  /** The simulator's minutely API limit and the end of the current minute window (epoch ms), for `429`. */
  minutely: { limit: number; resetAtMs: number };
  /** The real answer, when the fault applies after processing. */
  processed?: Answer;
}

/** What the client receives for a fault: an answer to write, or 'reset' to drop the connection. */
export function faultAnswer(rule: FaultRule, route: FaultRoute, situation: FaultSituation): Answer | 'reset' {
  const { processed } = situation;
  switch (rule.kind) {
    case 'reset':
      return 'reset';
    case '5xx':
      return textAnswer(rule.status ?? 503, 'text/plain; charset=utf-8', 'The service is temporarily unavailable.');
    case 'html':
      return textAnswer(rule.status ?? 500, 'text/html; charset=utf-8', ERROR_PAGE);
    case 'truncated': {
      const body = processed?.body ?? plausibleBody(route);
      return textAnswer(200, 'application/json; charset=utf-8', body.slice(0, Math.floor(body.length / 2)));
    }
    case 'empty':
      return textAnswer(200, 'application/json; charset=utf-8', '');
    case '429':
      if (route === 'auth') throw new Error('a 429 fault applies to the token and me routes only');
      return minutelyLimitAnswer(route, situation.minutely.limit, situation.minutely.resetAtMs);
    case 'delay':
      throw new Error('a delay fault has no answer of its own: wait delayMsOf(rule), then answer normally');
  }
}

function textAnswer(status: number, contentType: string, body: string): Answer {
  return { status, headers: { 'Content-Type': contentType }, body };
}

/** A body shaped like the route's success, for a fault that fires before anything was processed. */
function plausibleBody(route: FaultRoute): string {
  const filler = randomBytes(48).toString('base64url');
  if (route === 'token') {
    return JSON.stringify({
      access_token: `gAAAA${filler}`,
      token_type: 'bearer',
      expires_in: '600',
      refresh_token: `${filler.slice(0, 4)}!IAAA${filler}`,
    });
  }
  return JSON.stringify({ d: { results: [{ __metadata: { type: 'Exact.Web.Api.System.Me' }, FullName: filler }] } });
}

const ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>Exact Online - Error</title></head>
<body><h1>Sorry, something went wrong</h1><p>An unexpected error occurred. Please try again later.</p></body></html>
`;
