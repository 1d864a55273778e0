import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { createSimulator } from '../../src/simulator';
import { cpuSeconds, onTeardown } from './processes';
import { percentile, round } from './stats';

export interface LatencyFigures {
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  meanMs?: number;
}

/** One level: the same requests straight to the simulator and through the proxy, interleaved. */
export interface ProxyOverheadLevel {
  /** Consumers calling at once, each one request after the other. */
  consumers: number;
  requests: number;
  direct: LatencyFigures;
  proxied: LatencyFigures;
  /** Proxied minus direct, per percentile: what the proxy adds. */
  addedP50Ms?: number;
  addedP99Ms?: number;
  /** CPU (user + system) the proxy's process spent per proxied request, in ms: what the proxy itself costs. */
  proxyCpuMsPerRequest?: number;
  /** Answers other than 200 (none expected). */
  failures: number;
}

export interface ProxyOverheadOptions {
  /** Requests per level and way (direct, proxied). @default 2000 */
  requests?: number;
  /** Concurrent consumers per level. @default [1, 10] */
  levels?: number[];
  /**
   * Companies (users with a division each) the requests are spread over, so no company nears Exact's 60 calls a
   * minute and neither way meets a limit. @default 500
   */
  companies?: number;
}

const REDIRECT_URI = 'http://127.0.0.1:18871/callback';
const CONSUMER_TOKEN = 'bench-consumer-0123456789abcdef0123456789';

/**
 * What the proxy adds to a request: GET /api/v1/current/Me against an in-process simulator, straight and through
 * the proxy in a process of its own (proxy-process.ts), as consumers, proxy and Exact are apart in production.
 */
export async function measureProxyOverhead(options: ProxyOverheadOptions = {}): Promise<ProxyOverheadLevel[]> {
  const requests = options.requests ?? 2000;
  const companies = options.companies ?? 500;
  const sim = createSimulator();
  const { baseUrl } = await sim.start();
  const app = sim.control.addApp({ redirectUri: REDIRECT_URI });
  const tokens: string[] = [];
  for (let i = 0; i < companies; i++) {
    const username = `bench-${i}@example.com`;
    sim.control.addUser({ username, password: 'Correct-Horse-42', division: 100_000 + i });
    const { code } = sim.control.authorize({ clientId: app.clientId, username });
    const answer = await request(`${baseUrl}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }).toString(),
    });
    tokens.push(((await answer.body.json()) as { access_token: string }).access_token);
  }
  const proxy = await startProxyProcess({ baseUrl, tokens, consumerToken: CONSUMER_TOKEN });
  try {
    const levels: ProxyOverheadLevel[] = [];
    let next = 0;
    for (const consumers of options.levels ?? [1, 10]) {
      await run(Math.min(200, requests), consumers); // warm-up: connections, JIT
      levels.push(await run(requests, consumers));
    }
    return levels;

    async function run(count: number, consumers: number): Promise<ProxyOverheadLevel> {
      const direct: number[] = [];
      const proxied: number[] = [];
      let failures = 0;
      let left = count;
      const time = async (url: string, token: string, into: number[]): Promise<void> => {
        const startedAt = performance.now();
        const answer = await request(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        });
        await answer.body.text();
        into.push(performance.now() - startedAt);
        if (answer.statusCode !== 200) failures++;
      };
      const consumer = async (): Promise<void> => {
        while (left-- > 0) {
          const company = next++ % companies;
          await time(`${baseUrl}/api/v1/current/Me`, tokens[company]!, direct);
          await time(`${proxy.url}/c-${company}/api/v1/current/Me`, CONSUMER_TOKEN, proxied);
        }
      };
      const cpuBefore = cpuSeconds(proxy.pid);
      await Promise.all(Array.from({ length: consumers }, consumer));
      const proxyCpuMsPerRequest = round(((cpuSeconds(proxy.pid) - cpuBefore) * 1000) / count, 2);
      const d = figures(direct);
      const p = figures(proxied);
      return {
        consumers,
        requests: count,
        direct: d,
        proxied: p,
        addedP50Ms: difference(p.p50Ms, d.p50Ms),
        addedP99Ms: difference(p.p99Ms, d.p99Ms),
        proxyCpuMsPerRequest,
        failures,
      };
    }
  } finally {
    proxy.stop();
    await sim.stop();
  }
}

function figures(samples: number[]): LatencyFigures {
  const mean = samples.reduce((sum, x) => sum + x, 0) / Math.max(1, samples.length);
  return {
    p50Ms: round(percentile(samples, 50), 2),
    p90Ms: round(percentile(samples, 90), 2),
    p99Ms: round(percentile(samples, 99), 2),
    meanMs: round(mean, 2),
  };
}

function difference(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : round(a - b, 2);
}

/** Starts proxy-process.ts and waits for its URL; a failed or interrupted benchmark stops it too. */
async function startProxyProcess(settings: object): Promise<{ url: string; pid: number; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.PROXY_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROXY_BENCH_PROFILE] : []),
      '--import',
      'tsx',
      new URL('./proxy-process.ts', import.meta.url).pathname,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let stopping = false;
  const stop = (): void => {
    // Once: a second SIGTERM would end it before it finished closing (and wrote its CPU profile).
    if (!stopping) child.kill('SIGTERM');
    stopping = true;
  };
  onTeardown(() => Promise.resolve(stop()));
  child.stdin.end(JSON.stringify(settings));
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { url: line.trim(), pid: child.pid!, stop };
}
