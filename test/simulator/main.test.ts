/** The standalone simulator: `npm run simulator` starts it and prints where it listens. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

it('starts on SIMULATOR_PORT=0, prints its base URL and demo credentials, serves the token endpoint and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, SIMULATOR_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const printed = new Promise<string>((resolvePrinted, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('totp_secret=')) resolvePrinted(stdout);
      });
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before printing`)));
    });
    const output = await printed;
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
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

it('refuses a SIMULATOR_PORT that is not a port number, saying so', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, SIMULATOR_PORT: 'eighty' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(1);
  expect(stderr).toContain('SIMULATOR_PORT must be a port number from 0 to 65535 (0 = any free port), got "eighty"');
});
