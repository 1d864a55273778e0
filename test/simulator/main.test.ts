/** The standalone simulator: `npm run simulator` starts it and prints where it listens. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startMain(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  children.push(child);
  return child;
}

/** What the simulator printed up to and including the demo user line. */
async function printedBanner(child: ChildProcessWithoutNullStreams): Promise<string> {
  let stdout = '';
  child.stdout.setEncoding('utf8');
  return new Promise<string>((resolvePrinted, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('totp_secret=')) resolvePrinted(stdout);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before printing`)));
  });
}

async function stopMain(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

it('starts on SIMULATOR_PORT=0, prints its base URL and demo credentials, serves the token endpoint and stops on SIGTERM', async () => {
  const child = startMain({ SIMULATOR_PORT: '0' });
  const output = await printedBanner(child);
  const baseUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  expect(baseUrl).toBeDefined();
  expect(output).toMatch(/client_id=\{[0-9a-f-]{36}\} client_secret=\S+/);
  expect(output).toMatch(/username=demo@example\.test password=\S+ totp_secret=[A-Z2-7]{32}/);
  const answer = await fetch(`${baseUrl}/api/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=nope',
  });
  expect(answer.status).toBe(400);
  expect(await stopMain(child)).toBe(0);
});

it('with SIMULATOR_STATE_FILE, keeps the demo app and user across a restart, in an owner-only file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'simulator-main-'));
  const stateFile = join(dir, 'simulator.json');
  const env = { SIMULATOR_PORT: '0', SIMULATOR_STATE_FILE: stateFile };
  const demoLines = (banner: string): string[] =>
    banner.split('\n').filter((line) => /^ {2}demo (app|user):/.test(line));
  try {
    const first = startMain(env);
    const before = await printedBanner(first);
    expect(await stopMain(first)).toBe(0);
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);

    const second = startMain(env);
    const after = await printedBanner(second);
    expect(after).toContain(`state file:    ${stateFile} (demo app and user reused)`);
    expect(demoLines(after)).toHaveLength(2);
    expect(demoLines(after)).toEqual(demoLines(before));
    expect(await stopMain(second)).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('refuses a SIMULATOR_PORT that is not a port number, saying so', async () => {
  const child = startMain({ SIMULATOR_PORT: 'eighty' });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(1);
  expect(stderr).toContain('SIMULATOR_PORT must be a port number from 0 to 65535 (0 = any free port), got "eighty"');
});

it('refuses a state file it cannot use, naming it, instead of starting empty', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'simulator-main-'));
  try {
    const child = startMain({ SIMULATOR_PORT: '0', SIMULATOR_STATE_FILE: dir });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot read the simulator state file ${dir} (EISDIR)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
