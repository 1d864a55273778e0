import type { Dispatcher } from 'undici';
import type { ExactApp } from '../src/config/env';
import {
  buildAuthorizationUrl,
  EXACT_LOGIN_ORIGINS,
  ExactClock,
  createApiClient,
  createTokenClient,
  type ApiClient,
  type ExactCall,
  type TokenClient,
} from '../src/exact';
import type { HttpTimeouts } from '../src/exact/http';
import { createHostTable, DEFAULT_SIMULATOR_KEY, type HostLookup, type HostTable } from '../src/exact/known-hosts';
import type { ExactOutcome, TokenPair } from '../src/exact/outcomes';
import type { ExactTarget } from '../contract/container';

/** Who the current user is, from `/api/v1/current/Me`; no secret. */
export interface MeSummary {
  userId: string;
  userName?: string;
  currentDivision?: number;
}

/**
 * Exact Online as the activities see it: the token endpoint and one cheap API call, for a container's base URL
 * and app. Tests may replace it; the worker builds it with {@link createExactGateway}.
 */
export interface ExactGateway {
  refresh(target: ExactTarget, refreshToken: string, call?: ExactCall): Promise<ExactOutcome<TokenPair>>;
  exchangeCode(target: ExactTarget, code: string, call?: ExactCall): Promise<ExactOutcome<TokenPair>>;
  getMe(target: ExactTarget, accessToken: string, call?: ExactCall): Promise<ExactOutcome<MeSummary>>;
  /**
   * Where a browser login for the target's app starts, where it ends, and the origins whose pages may receive
   * credentials; undefined for an unknown app.
   */
  loginUrls(target: ExactTarget, state: string): LoginUrls | undefined;
  /** Exact's clock as learned from its answers' `Date` headers; TOTP codes are made for its time. */
  readonly clock: ExactClock;
  /**
   * The worker's host for a container's target (with the rules that hold there), or why nothing may be sent:
   * every other method refuses such a target before any request leaves the worker.
   */
  host(target: Pick<ExactTarget, 'host' | 'baseUrl'>): HostLookup;
  /**
   * The app and Exact stack a chain belongs to (client ID and base URL): Exact keeps one chain per app and user
   * within it. Undefined for an unknown app or host.
   */
  identityScope(target: ExactTarget): string | undefined;
}

export interface LoginUrls {
  authorizationUrl: string;
  redirectUri: string;
  /** Exact's login hosts, plus a simulator's when the worker is configured for one. Nothing else gets credentials. */
  allowedOrigins: readonly string[];
}

export interface GatewayOptions {
  /** Apps by name, with client id and secret from worker configuration. */
  apps: Record<string, ExactApp>;
  /** HTTP timeouts. @default the clients' defaults (connect 5 s, headers 15 s, body 15 s) */
  timeouts?: HttpTimeouts;
  /** An undici dispatcher (connection pooling, tests). @default undici's global */
  dispatcher?: Dispatcher;
  /**
   * Login origins besides Exact's own that may receive credentials: a simulator's, and only when this worker is
   * configured for one (never from workflow input). @default none
   */
  extraLoginOrigins?: readonly string[];
  /** The worker's clock, epoch ms (tests pass the simulator's). @default Date.now */
  now?: () => number;
  /**
   * The hosts containers may name, with their rules (the worker's configuration, never workflow input).
   * @default Exact's country hosts, plus the first of `extraLoginOrigins` as host `simulator` at real time
   */
  hosts?: HostTable;
}

/** A target whose host the worker does not know: refused before any request, like an unknown app. */
function unknownHost(problem: string): ExactOutcome<never> {
  return { kind: 'misconfigured', problem: 'unknown-host', status: 0, detail: problem };
}

/**
 * Builds (and caches per app and base URL) the src/exact clients behind an {@link ExactGateway}. A target is
 * sent only to the host the worker's table maps it to: a host key, or a base URL that is one of those hosts.
 */
export function createExactGateway(options: GatewayOptions): ExactGateway {
  const clock = new ExactClock({ now: options.now });
  const firstSimulator = options.extraLoginOrigins?.[0];
  const hosts =
    options.hosts ??
    createHostTable(firstSimulator === undefined ? [] : [{ key: DEFAULT_SIMULATOR_KEY, baseUrl: firstSimulator }]);
  const baseUrlOf = (target: ExactTarget): string | undefined => {
    const found = hosts.lookup(target);
    return found.ok ? found.host.baseUrl : undefined;
  };
  const allowedOrigins = [...new Set([...EXACT_LOGIN_ORIGINS, ...(options.extraLoginOrigins ?? [])])];
  const tokenClients = new Map<string, TokenClient>();
  const apiClients = new Map<string, ApiClient>();
  const unknownApp = (target: ExactTarget): ExactOutcome<never> => ({
    kind: 'misconfigured',
    problem: 'invalid-client',
    status: 0,
    detail: `no app named "${target.app}" in the worker's configuration (known: ${Object.keys(options.apps).join(', ') || 'none'})`,
  });
  const refusal = (target: ExactTarget): ExactOutcome<never> => {
    const found = hosts.lookup(target);
    return found.ok ? unknownApp(target) : unknownHost(found.problem);
  };
  const tokenClient = (target: ExactTarget): TokenClient | undefined => {
    const app = options.apps[target.app];
    const baseUrl = baseUrlOf(target);
    if (!app || baseUrl === undefined) return undefined;
    const key = `${target.app} ${baseUrl}`;
    let client = tokenClients.get(key);
    if (!client) {
      client = createTokenClient({
        ...app,
        baseUrl,
        timeouts: options.timeouts,
        dispatcher: options.dispatcher,
        exactClock: clock,
      });
      tokenClients.set(key, client);
    }
    return client;
  };
  const apiClient = (target: ExactTarget): ApiClient | undefined => {
    const baseUrl = baseUrlOf(target);
    if (baseUrl === undefined) return undefined;
    let client = apiClients.get(baseUrl);
    if (!client) {
      client = createApiClient({
        baseUrl,
        timeouts: options.timeouts,
        dispatcher: options.dispatcher,
        exactClock: clock,
      });
      apiClients.set(baseUrl, client);
    }
    return client;
  };
  return {
    refresh: async (target, refreshToken, call) => tokenClient(target)?.refresh(refreshToken, call) ?? refusal(target),
    exchangeCode: async (target, code, call) => tokenClient(target)?.exchangeCode(code, call) ?? refusal(target),
    loginUrls(target, state) {
      const app = options.apps[target.app];
      const baseUrl = baseUrlOf(target);
      if (!app || baseUrl === undefined) return undefined;
      const authorizationUrl = buildAuthorizationUrl({
        baseUrl,
        clientId: app.clientId,
        redirectUri: app.redirectUri,
        state,
        forceLogin: true,
      });
      return { authorizationUrl, redirectUri: app.redirectUri, allowedOrigins };
    },
    clock,
    host: (target) => hosts.lookup(target),
    identityScope(target) {
      const app = options.apps[target.app];
      const baseUrl = baseUrlOf(target);
      return app && baseUrl !== undefined ? `${app.clientId} ${baseUrl}` : undefined;
    },
    async getMe(target, accessToken, call) {
      const client = apiClient(target);
      if (!client) return refusal(target);
      const outcome = await client.getMe(accessToken, call);
      if (outcome.kind !== 'ok') return outcome;
      const { userId, userName, currentDivision } = outcome.value;
      return { ...outcome, value: { userId, userName, currentDivision } };
    },
  };
}
