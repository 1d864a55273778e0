/**
 * A page handler first decides its answer (plain data), then sends it, so an armed login fault can replace
 * the answer to a submit after the submit was processed.
 */
import type { ServerResponse } from 'node:http';
import type { PageContext } from './context';
import { redirect, sendHtml } from './http';
import { type LoginFaultStep, MAINTENANCE_PAGE, SERVER_ERROR_PAGE } from './login-faults';

export type PageReply =
  | { kind: 'page'; status: number; html: string }
  | { kind: 'redirect'; location: string; status: 302 | 303; cookie?: string };

export function pageReply(html: string, status = 200): PageReply {
  return { kind: 'page', status, html };
}

/** 303 after a form post (a reload never re-posts); 302 towards the app's redirect URI, as Exact does. */
export function redirectReply(location: string, status: 302 | 303 = 303, cookie?: string): PageReply {
  return { kind: 'redirect', location, status, cookie };
}

export function sendReply(res: ServerResponse, reply: PageReply): void {
  if (reply.kind === 'page') sendHtml(res, reply.status, reply.html);
  else redirect(res, reply.location, reply.status, reply.cookie);
}

/**
 * Sends the answer to a processed submit, or the login fault armed for this step and username instead.
 * A `hang` sends nothing: the client's timeout, or the simulator's stop(), ends the connection.
 */
export function answerSubmit(
  ctx: PageContext,
  step: LoginFaultStep,
  username: string | undefined,
  reply: PageReply,
): void {
  const fault = ctx.store.faults.take(step, username);
  if (fault === undefined) return sendReply(ctx.res, reply);
  ctx.state.recordLoginFault?.(`${fault} after ${step}`);
  if (fault === '5xx') sendHtml(ctx.res, 500, SERVER_ERROR_PAGE);
  if (fault === 'unknown-page') sendHtml(ctx.res, 200, MAINTENANCE_PAGE);
}
