/**
 * What every login page handler gets, the guard that finds the request's transaction or answers for it, and
 * the URL of the page a transaction is at (absolute when that page is on the other host).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoginHosts, LoginState } from '../types';
import type { LoginHost } from './fields';
import { renderErrorPage } from './html';
import { redirect, sendHtml } from './http';
import { hostFor, pageUrl, pathFor, type LoginPath } from './paths';
import type { LoginStore, LoginTransaction } from './transactions';

export interface PageContext {
  state: LoginState;
  store: LoginStore;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The listener the request came in on; absent when the pages run on one origin. */
  hosts?: LoginHosts;
}

function hostHere(ctx: PageContext): LoginHost {
  return ctx.hosts?.here ?? 'start';
}

/** Where the browser finds the page the transaction is at now: relative on this host, absolute on the other. */
export function pageLocation(ctx: PageContext, transaction: LoginTransaction): string {
  const path = pageUrl(pathFor(transaction), transaction);
  const host = hostFor(transaction);
  if (ctx.hosts === undefined || host === hostHere(ctx)) return path;
  return `${ctx.hosts.originOf(host)}${path}`;
}

/**
 * The transaction named by `?tx=` when it belongs on `path` of this host. Otherwise the response is already
 * sent: an error page for an unknown or expired login, or a redirect to the page the login is actually at
 * (the browser went back, or posted to a page of another flow or host).
 */
export function transactionOn(ctx: PageContext, path: LoginPath): LoginTransaction | undefined {
  const transaction = ctx.store.find(ctx.url.searchParams.get('tx'));
  if (transaction === undefined) {
    sendHtml(
      ctx.res,
      400,
      renderErrorPage(
        'This login has expired',
        'The sign-in link is unknown or has expired. Go back to the application and start signing in again.',
      ),
    );
    return undefined;
  }
  const onOtherHost = ctx.hosts !== undefined && hostFor(transaction) !== hostHere(ctx);
  if (pathFor(transaction) !== path || onOtherHost) {
    redirect(ctx.res, pageLocation(ctx, transaction));
    return undefined;
  }
  return transaction;
}
