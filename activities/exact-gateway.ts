import type { Dispatcher } from 'undici';
import type { ExactApp } from '../src/config/env';
import {
  buildAuthorizationUrl,
  createApiClient,
  createTokenClient,
  type ApiClient,
  type TokenClient,
} from '../src/exact';
import type { HttpTimeouts } from '../src/exact/http';
import type { ExactOutcome, TokenPair } from '../src/exact/outcomes';
import type { ExactTarget } from '../workflows/container/types';

/** Who the current user is, from `/api/v1/current/Me`; no secret. */
export interface MeSummary {
  userId: string;
  currentDivision?: number;
}

/**
 * Exact Online as the activities see it: the token endpoint and one cheap API call, for a container's base URL
 * and app. Tests may replace it; the worker builds it with {@link createExactGateway}.
 */
export interface ExactGateway {
  refresh(target: ExactTarget, refreshToken: string): Promise<ExactOutcome<TokenPair>>;
  exchangeCode(target: ExactTarget, code: string): Promise<ExactOutcome<TokenPair>>;
  getMe(target: ExactTarget, accessToken: string): Promise<ExactOutcome<MeSummary>>;
  /** Where a browser login for the target's app starts, and where it ends; undefined for an unknown app. */
  loginUrls(target: ExactTarget, state: string): { authorizationUrl: string; redirectUri: string } | undefined;
}

export interface GatewayOptions {
  /** Apps by name, with client id and secret from worker configuration. */
  apps: Record<string, ExactApp>;
  /** HTTP timeouts. @default the clients' defaults (connect 5 s, headers 15 s, body 15 s) */
  timeouts?: HttpTimeouts;
  /** An undici dispatcher (connection pooling, tests). @default undici's global */
  dispatcher?: Dispatcher;
}

/** Builds (and caches per app and base URL) the src/exact clients behind an {@link ExactGateway}. */
export function createExactGateway(options: GatewayOptions): ExactGateway {
  const tokenClients = new Map<string, TokenClient>();
  const apiClients = new Map<string, ApiClient>();
  const unknownApp = (target: ExactTarget): ExactOutcome<never> => ({
    kind: 'misconfigured',
    problem: 'invalid-client',
    status: 0,
    detail: `no app named "${target.app}" in the worker's configuration (known: ${Object.keys(options.apps).join(', ') || 'none'})`,
  });
  const tokenClient = (target: ExactTarget): TokenClient | undefined => {
    const app = options.apps[target.app];
    if (!app) return undefined;
    const key = `${target.app} ${target.baseUrl}`;
    let client = tokenClients.get(key);
    if (!client) {
      client = createTokenClient({
        ...app,
        baseUrl: target.baseUrl,
        timeouts: options.timeouts,
        dispatcher: options.dispatcher,
      });
      tokenClients.set(key, client);
    }
    return client;
  };
  const apiClient = (target: ExactTarget): ApiClient => {
    let client = apiClients.get(target.baseUrl);
    if (!client) {
      client = createApiClient({ baseUrl: target.baseUrl, timeouts: options.timeouts, dispatcher: options.dispatcher });
      apiClients.set(target.baseUrl, client);
    }
    return client;
  };
  return {
    refresh: async (target, refreshToken) => tokenClient(target)?.refresh(refreshToken) ?? unknownApp(target),
    exchangeCode: async (target, code) => tokenClient(target)?.exchangeCode(code) ?? unknownApp(target),
    loginUrls(target, state) {
      const app = options.apps[target.app];
      if (!app) return undefined;
      const authorizationUrl = buildAuthorizationUrl({
        baseUrl: target.baseUrl,
        clientId: app.clientId,
        redirectUri: app.redirectUri,
        state,
        forceLogin: true,
      });
      return { authorizationUrl, redirectUri: app.redirectUri };
    },
    async getMe(target, accessToken) {
      const outcome = await apiClient(target).getMe(accessToken);
      return outcome.kind === 'ok'
        ? { ...outcome, value: { userId: outcome.value.userId, currentDivision: outcome.value.currentDivision } }
        : outcome;
    },
  };
}
