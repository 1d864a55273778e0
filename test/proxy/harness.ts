/**
 * Shared setup of the proxy tests: a simulator with one app and users, the proxy in front of it with a token
 * source the test controls, a captured log, and consumers that call the proxy with undici.
 */
import { request } from 'undici';
import { ContainerNotFoundError } from '../../src/consumers/errors';
import { startProxy, type ProxyOptions, type ProxyTokenSource, type RunningProxy } from '../../src/proxy';
import { createSimulator, type Clock, type SimApp, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { captureLog } from '../observability/capture-log';

export const REDIRECT_URI = 'http://127.0.0.1:18871/callback';
/** Consumer bearer tokens: 32+ characters, as the proxy insists. */
export const REPORTS_TOKEN = 'reports-token-0123456789abcdef0123456789';
export const LIMITED_TOKEN = 'limited-token-0123456789abcdef0123456789';

/** A token source the test drives: one token per alias, switchable at any moment. */
export class FakeTokens implements ProxyTokenSource {
  readonly tokens = new Map<string, string>();
  gets = 0;
  readonly invalidated: string[] = [];
  /** Called on every `get`, with its number, before the token is chosen. */
  onGet?: (count: number) => void;

  get(alias: string): Promise<{ accessToken: string }> {
    this.gets += 1;
    this.onGet?.(this.gets);
    const accessToken = this.tokens.get(alias);
    return accessToken === undefined
      ? Promise.reject(new ContainerNotFoundError(alias))
      : Promise.resolve({ accessToken });
  }

  invalidate(_alias: string, accessToken: string): void {
    this.invalidated.push(accessToken);
  }
}

export interface ProxyHarness {
  sim: Simulator;
  app: SimApp;
  proxy: RunningProxy;
  tokens: FakeTokens;
  log: { lines: Record<string, unknown>[]; raw: string[] };
  /** A first access token for a new user of `division` (exchanges a code at the token endpoint). */
  newToken(username: string, division?: number): Promise<{ accessToken: string; refreshToken: string }>;
  refresh(refreshToken: string): Promise<{ accessToken: string; refreshToken: string }>;
  /** GET (or another method) through the proxy as a consumer. */
  call(path: string, init?: CallInit): Promise<{ status: number; headers: Record<string, unknown>; body: string }>;
  close(): Promise<void>;
}

export interface CallInit {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  token?: string;
  body?: string;
  headers?: Record<string, string>;
}

export async function startProxyHarness(
  options: { simulator?: SimulatorOptions; clock?: Clock; proxy?: Partial<ProxyOptions> } = {},
): Promise<ProxyHarness> {
  const sim = createSimulator({ ...options.simulator, clock: options.clock });
  const { baseUrl } = await sim.start();
  const app = sim.control.addApp({ redirectUri: REDIRECT_URI });
  const tokens = new FakeTokens();
  const log = captureLog('info');
  const proxy = await startProxy({
    consumers: [
      { name: 'reports', token: REPORTS_TOKEN, aliases: 'all' },
      { name: 'limited', token: LIMITED_TOKEN, aliases: new Set(['acme']) },
    ],
    tokens,
    findTarget: () => Promise.resolve({ baseUrl, app: 'default' }),
    extraExactOrigins: [new URL(baseUrl).origin],
    port: 0,
    log: log.log,
    ...options.proxy,
  });

  async function tokenCall(form: Record<string, string>): Promise<{ accessToken: string; refreshToken: string }> {
    const response = await request(`${baseUrl}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, ...form }).toString(),
    });
    const body = (await response.body.json()) as { access_token: string; refresh_token: string };
    if (response.statusCode !== 200) throw new Error(`token call failed: ${JSON.stringify(body)}`);
    return { accessToken: body.access_token, refreshToken: body.refresh_token };
  }

  return {
    sim,
    app,
    proxy,
    tokens,
    log,
    newToken(username, division) {
      sim.control.addUser({ username, password: 'Correct-Horse-42', division });
      const { code } = sim.control.authorize({ clientId: app.clientId, username });
      return tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    },
    refresh(refreshToken) {
      return tokenCall({ grant_type: 'refresh_token', refresh_token: refreshToken });
    },
    async call(path, init = {}) {
      const response = await request(`${proxy.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${init.token ?? REPORTS_TOKEN}`,
          accept: 'application/json',
          ...init.headers,
        },
        body: init.body,
      });
      return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
    },
    async close() {
      await proxy.close();
      await sim.stop();
    },
  };
}

/** Calls per window of `windowMs` (Exact's fixed calendar windows), from the simulator's /Me records. */
export function callsPerWindow(records: readonly { atMs: number }[], windowMs: number): number[] {
  const counts = new Map<number, number>();
  for (const { atMs } of records)
    counts.set(Math.floor(atMs / windowMs), (counts.get(Math.floor(atMs / windowMs)) ?? 0) + 1);
  return [...counts.values()];
}
