/**
 * Shared setup of the simulator tests: a simulator on a ManualClock with one app and one user, and small
 * HTTP helpers (undici) that return status, headers and the raw body so tests can assert exact bytes.
 */
import { request } from 'undici';
import {
  createSimulator,
  ManualClock,
  type SimApp,
  type Simulator,
  type SimulatorOptions,
  type SimUser,
} from '../../src/simulator';

/** Thursday 15 January 2026, 10:00:00 UTC: far from a day boundary. */
export const START_MS = Date.UTC(2026, 0, 15, 10, 0, 0);
export const REDIRECT_URI = 'http://127.0.0.1:18871/callback';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: string;
  refresh_token: string;
}

export class Harness {
  readonly clock: ManualClock;
  readonly sim: Simulator;
  app!: SimApp;
  user!: SimUser;

  constructor(options: SimulatorOptions = {}) {
    this.clock = new ManualClock(START_MS);
    this.sim = createSimulator({ clock: this.clock, ...options });
  }

  get baseUrl(): string {
    return this.sim.baseUrl;
  }

  async start(): Promise<this> {
    await this.sim.start();
    this.app = this.sim.control.addApp({ redirectUri: REDIRECT_URI });
    this.user = this.sim.control.addUser({
      username: 'anna@example.com',
      password: 'Correct-Horse-42',
      fullName: 'Anna Example',
    });
    return this;
  }

  /** Starts without adding an app and a user: these come from the state file of an earlier simulator. */
  async startRestored(app: SimApp, user: SimUser): Promise<this> {
    await this.sim.start();
    this.app = app;
    this.user = user;
    return this;
  }

  async stop(): Promise<void> {
    await this.sim.stop();
  }

  advanceS(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  async post(
    path: string,
    form: Record<string, string>,
    contentType = 'application/x-www-form-urlencoded',
  ): Promise<HttpAnswer> {
    return this.send('POST', path, {
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': contentType },
    });
  }

  async send(
    method: 'GET' | 'POST' | 'DELETE' | 'PUT',
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const response = await request(`${this.baseUrl}${path}`, { method, body: init.body, headers: init.headers });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  }

  /** POST to the control API with a JSON body. */
  async control(method: 'GET' | 'POST' | 'DELETE', path: string, input?: unknown): Promise<HttpAnswer> {
    return this.send(method, `/_sim/${path}`, {
      body: input === undefined ? undefined : JSON.stringify(input),
      headers: input === undefined ? {} : { 'content-type': 'application/json' },
    });
  }

  codeFor(username = this.user.username, clientId = this.app.clientId): string {
    return this.sim.control.authorize({ clientId, username }).code;
  }

  async exchange(code: string, overrides: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.post('/api/oauth2/token', {
      redirect_uri: this.app.redirectUri,
      grant_type: 'authorization_code',
      client_id: this.app.clientId,
      client_secret: this.app.clientSecret,
      code,
      ...overrides,
    });
  }

  async refresh(refreshToken: string, overrides: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.post('/api/oauth2/token', {
      refresh_token: refreshToken,
      grant_type: 'refresh_token',
      client_id: this.app.clientId,
      client_secret: this.app.clientSecret,
      ...overrides,
    });
  }

  async me(accessToken: string | undefined, query = ''): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
    return this.send('GET', `/api/v1/current/Me${query}`, { headers });
  }

  /** A fresh chain for the harness user: exchanges a code and returns the first token pair. */
  async newChain(username = this.user.username): Promise<TokenBody> {
    const answer = await this.exchange(this.codeFor(username));
    if (answer.status !== 200) throw new Error(`code exchange failed with ${answer.status}: ${answer.body}`);
    return JSON.parse(answer.body) as TokenBody;
  }
}

export function tokens(answer: HttpAnswer): TokenBody {
  return JSON.parse(answer.body) as TokenBody;
}
