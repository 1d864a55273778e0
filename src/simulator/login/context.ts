/**
 * What every login page handler gets, and the guard that finds the request's transaction or answers for it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoginState } from '../types';
import { renderErrorPage } from './html';
import { redirect, sendHtml } from './http';
import { pageUrl, pathFor, type LoginPath } from './paths';
import type { LoginStore, LoginTransaction } from './transactions';

export interface PageContext {
  state: LoginState;
  store: LoginStore;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

/**
 * The transaction named by `?tx=` when it belongs on `path`. Otherwise the response is already sent: an error
 * page for an unknown or expired login, or a redirect to the page the login is actually at (the browser went
 * back, or posted to a page of the other variant).
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
  const expected = pathFor(transaction);
  if (expected !== path) {
    redirect(ctx.res, pageUrl(expected, transaction));
    return undefined;
  }
  return transaction;
}
