import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, createTokenClient, ExactSettingsError, type HttpTimeouts } from '../../src/exact';
import { leakWatch, SECRETS } from './secrets';

const leaks = leakWatch();

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Answer = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let answer: Answer;
let received: Received[];
const agent = new Agent({ connect: { timeout: 2_000 } });
// Short on purpose: the stalling server never answers, and the test should not wait 15 s for that.
const timeouts: HttpTimeouts = { connectMs: 2_000, headersMs: 300, bodyMs: 300 };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  leaks.assertNoSecrets();
  await agent.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  answer = (_req, res) => res.writeHead(500).end();
});

function replyJson(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

const tokens = () =>
  createTokenClient({
    baseUrl,
    clientId: '3a5b7c9d-0000-4000-8000-000000000001',
    clientSecret: SECRETS.clientSecret,
    redirectUri: 'https://keeper.example/exact/callback',
    timeouts,
    dispatcher: agent,
  });
const api = () => createApiClient({ baseUrl, timeouts, dispatcher: agent });

const newPair = { access_token: 'gAAAAAnew', token_type: 'bearer', expires_in: '600', refresh_token: 'yIA2!IAAAnew' };

describe('the token client over HTTP', () => {
  it('refreshes with the form fields picqer sends, in its order, with ! encoded', async () => {
    answer = replyJson(200, newPair);
    const outcome = await tokens().refresh(SECRETS.refreshToken);
    expect(outcome).toEqual({
      kind: 'ok',
      value: { accessToken: 'gAAAAAnew', refreshToken: 'yIA2!IAAAnew', expiresInS: 600 },
    });
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/oauth2/token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(request?.body)]).toEqual([
      ['refresh_token', SECRETS.refreshToken],
      ['grant_type', 'refresh_token'],
      ['client_id', '3a5b7c9d-0000-4000-8000-000000000001'],
      ['client_secret', SECRETS.clientSecret],
    ]);
    expect(request?.body).toContain('refresh_token=yIA2%21IAAA');
  });

  it('exchanges a URL-encoded authorization code after decoding it once', async () => {
    answer = replyJson(200, newPair);
    const plainCode = `${SECRETS.code}!AAEA/x`;
    const outcome = await tokens().exchangeCode(encodeURIComponent(plainCode));
    expect(outcome.kind).toBe('ok');
    const [request] = received;
    expect([...new URLSearchParams(request?.body)]).toEqual([
      ['redirect_uri', 'https://keeper.example/exact/callback'],
      ['grant_type', 'authorization_code'],
      ['client_id', '3a5b7c9d-0000-4000-8000-000000000001'],
      ['client_secret', SECRETS.clientSecret],
      ['code', plainCode],
    ]);
    expect(request?.body).not.toContain('%25');
  });

  it('sends a code that is not encoded as it is', async () => {
    answer = replyJson(200, newPair);
    await tokens().exchangeCode(SECRETS.code);
    expect(new URLSearchParams(received[0]?.body).get('code')).toBe(SECRETS.code);
  });

  it('is chain-broken when Exact answers 401 Old refresh token used', async () => {
    answer = replyJson(401, '{"error":"unauthorized_client","error_description":"Old refresh token used."}');
    const outcome = leaks.watch(await tokens().refresh(SECRETS.refreshToken));
    expect(outcome).toMatchObject({ kind: 'chain-broken', chainBreak: 'old-refresh-token', status: 401 });
  });

  it('scrubs the client secret when a server echoes it back', async () => {
    answer = replyJson(400, {
      error: 'invalid_client',
      error_description: `client_secret ${SECRETS.clientSecret} does not match`,
    });
    const outcome = leaks.watch(await tokens().refresh(SECRETS.refreshToken));
    expect(outcome).toMatchObject({ kind: 'misconfigured', problem: 'invalid-client' });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('client_secret [redacted] does not match');
  });

  it('is transient network when the connection is reset', async () => {
    answer = (req) => req.socket.destroy();
    const outcome = leaks.watch(await tokens().refresh(SECRETS.refreshToken));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'network' });
    expect(received).toHaveLength(1);
  });

  it('is transient timeout when the server never sends headers', async () => {
    answer = () => undefined;
    const outcome = leaks.watch(await tokens().refresh(SECRETS.refreshToken));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'timeout' });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('UND_ERR_HEADERS_TIMEOUT');
  });

  it('is transient timeout when the body stalls halfway', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
      res.write('{"access_token":"gAAAA');
    };
    const outcome = leaks.watch(await tokens().exchangeCode(SECRETS.code));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'timeout' });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('UND_ERR_BODY_TIMEOUT');
  });

  it('is a transient server error with Retry-After on a 503', async () => {
    answer = (_req, res) => res.writeHead(503, { 'retry-after': '7', 'content-type': 'text/html' }).end('<h1>503</h1>');
    const outcome = leaks.watch(await tokens().refresh(SECRETS.refreshToken));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'server-error', status: 503, retryAfterS: 7 });
  });

  it("is rate-limited minutely until the reset, measured on the server's Date header", async () => {
    const serverNow = Date.UTC(2026, 0, 26, 12, 15, 35);
    answer = (_req, res) =>
      res
        .writeHead(429, {
          date: new Date(serverNow).toUTCString(),
          'x-ratelimit-minutely-limit': '60',
          'x-ratelimit-minutely-remaining': '0',
          'x-ratelimit-minutely-reset': String(serverNow + 25_000),
        })
        .end();
    const outcome = leaks.watch(await tokens().refresh(SECRETS.refreshToken));
    expect(outcome).toMatchObject({ kind: 'rate-limited', scope: 'minutely', retryAfterS: 25 });
  });

  it('is transient network when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = createTokenClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: 'c',
      clientSecret: SECRETS.clientSecret,
      redirectUri: 'https://keeper.example/cb',
    });
    const outcome = leaks.watch(await client.refresh(SECRETS.refreshToken));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'network' });
    expect(outcome.kind !== 'ok' && outcome.detail).toContain('ECONNREFUSED');
  });

  it('works through its own shared agent when no dispatcher is given', async () => {
    answer = replyJson(200, newPair);
    const client = createTokenClient({
      baseUrl,
      clientId: 'c',
      clientSecret: SECRETS.clientSecret,
      redirectUri: 'https://keeper.example/cb',
    });
    expect((await client.refresh(SECRETS.refreshToken)).kind).toBe('ok');
  });

  it('refuses empty tokens and bad settings before calling Exact', async () => {
    const client = tokens();
    await expect(client.refresh('  ')).rejects.toThrow(ExactSettingsError);
    await expect(client.exchangeCode('')).rejects.toThrow('authorization code is empty');
    expect(received).toHaveLength(0);
    const settings = {
      baseUrl,
      clientId: 'c',
      clientSecret: SECRETS.clientSecret,
      redirectUri: 'https://k.example/cb',
    };
    expect(() => createTokenClient({ ...settings, clientSecret: '' })).toThrow('clientSecret is empty');
    expect(() => createTokenClient({ ...settings, timeouts: { headersMs: -1 } })).toThrow('headersMs');
    expect(() => createTokenClient({ ...settings, baseUrl: 'start.exactonline.nl' })).toThrow(ExactSettingsError);
  });
});

describe('the API client over HTTP', () => {
  it('asks /Me with the bearer token and returns the user with the rate limits', async () => {
    answer = replyJson(
      200,
      {
        d: {
          results: [
            { UserID: '29dee5ea-9132-474c-b188-e8364ecebadd', UserName: 'MarthynOlthof', CurrentDivision: 797636 },
          ],
        },
      },
      {
        'x-ratelimit-minutely-limit': '60',
        'x-ratelimit-minutely-remaining': '59',
        'x-ratelimit-minutely-reset': '1638447360000',
      },
    );
    const outcome = await api().getMe(SECRETS.accessToken);
    expect(outcome).toEqual({
      kind: 'ok',
      value: {
        userId: '29dee5ea-9132-474c-b188-e8364ecebadd',
        userName: 'MarthynOlthof',
        fullName: undefined,
        currentDivision: 797636,
      },
      rateLimits: { minutelyLimit: 60, minutelyRemaining: 59, minutelyResetMs: 1638447360000 },
    });
    const [request] = received;
    expect(request?.method).toBe('GET');
    const url = new URL(request?.url ?? '', baseUrl);
    expect(url.pathname).toBe('/api/v1/current/Me');
    expect(url.searchParams.get('$select')).toBe('UserID,UserName,FullName,CurrentDivision');
    expect(request?.headers.authorization).toBe(`Bearer ${SECRETS.accessToken}`);
  });

  it('is transient unauthorized-api when /Me answers 401', async () => {
    answer = replyJson(401, '{"error":{"code":"","message":{"lang":"","value":"Unauthorized"}}}');
    const outcome = leaks.watch(await api().getMe(SECRETS.accessToken));
    expect(outcome).toMatchObject({ kind: 'transient', cause: 'unauthorized-api', status: 401 });
  });

  it('is transient timeout when /Me never answers', async () => {
    answer = () => undefined;
    expect(leaks.watch(await api().getMe(SECRETS.accessToken))).toMatchObject({ kind: 'transient', cause: 'timeout' });
  });

  it('refuses an empty access token without calling Exact', async () => {
    await expect(api().getMe('')).rejects.toThrow(ExactSettingsError);
    expect(received).toHaveLength(0);
  });
});
