/** The state file: a restarted simulator keeps its apps, users, chains and rules, and refuses a file it cannot use. */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXACT_RULES } from '../../src/exact/rules';
import { createSimulator, StateFileError } from '../../src/simulator';
import { Harness, REDIRECT_URI, tokens } from './harness';

const MIN_INTERVAL_MS = EXACT_RULES.minRefreshIntervalS * 1000;

let dir: string;
let stateFile: string;
const running: Harness[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simulator-state-'));
  stateFile = join(dir, 'state.json');
});
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.stop();
  await rm(dir, { recursive: true, force: true });
});

async function started(options: ConstructorParameters<typeof Harness>[0] = {}): Promise<Harness> {
  const harness = await new Harness({ stateFile, ...options }).start();
  running.push(harness);
  return harness;
}

/** A second simulator on the same file, its clock where the first one's stopped. */
async function restarted(first: Harness, options: ConstructorParameters<typeof Harness>[0] = {}): Promise<Harness> {
  const harness = new Harness({ stateFile, ...options });
  harness.clock.set(first.clock.nowMs());
  running.push(harness);
  return harness.startRestored(first.app, first.user);
}

/** Starts a simulator on `stateFile` and returns why it refused to start. */
async function refusal(): Promise<StateFileError> {
  const simulator = createSimulator({ stateFile });
  const error: unknown = await simulator.start().then(
    async () => {
      await simulator.stop();
      return undefined;
    },
    (failure: unknown) => failure,
  );
  if (!(error instanceof StateFileError)) throw new Error(`expected a StateFileError, got ${String(error)}`);
  return error;
}

describe('across a restart', () => {
  it('the latest refresh token refreshes, the one before it is old, and the app and user are the same', async () => {
    const first = await started();
    const initial = await first.newChain();
    first.clock.advance(MIN_INTERVAL_MS);
    const latest = tokens(await first.refresh(initial.refresh_token));
    await first.stop();

    const second = await restarted(first);
    expect(second.sim.state.findApp(first.app.clientId)).toEqual(first.app);
    expect(second.sim.state.findUserByName(first.user.username)?.totpSecret).toBe(first.user.totpSecret);
    expect((await second.me(latest.access_token)).status).toBe(200);
    second.clock.advance(MIN_INTERVAL_MS);
    const old = await second.refresh(initial.refresh_token);
    expect([old.status, JSON.parse(old.body)]).toEqual([
      401,
      { error: 'unauthorized_client', error_description: 'Old refresh token used.' },
    ]);
    expect((await second.refresh(latest.refresh_token)).status).toBe(200);
    const counted = second.sim.control.counters().chains;
    expect(counted.map((chain) => [chain.username, chain.alive, chain.accessTokenIssuedAtMs.length])).toEqual([
      [first.user.username, true, 1],
    ]);
  });

  it('still refuses a refresh within 570 s of the last access token', async () => {
    const first = await started();
    const pair = await first.newChain();
    await first.stop();

    const second = await restarted(first);
    second.clock.advance(MIN_INTERVAL_MS - 1000);
    expect((await second.refresh(pair.refresh_token)).headers.reason).toMatch(/^TooEarlyToRefreshTokens/);
  });

  it('keeps the grace of the previous refresh token until the new pair is used (grace-until-activated)', async () => {
    const first = await started({ graceUntilActivated: true });
    const initial = await first.newChain();
    first.clock.advance(MIN_INTERVAL_MS);
    await first.refresh(initial.refresh_token);
    await first.stop();

    const second = await restarted(first, { graceUntilActivated: true });
    second.clock.advance(MIN_INTERVAL_MS);
    expect((await second.refresh(initial.refresh_token)).status).toBe(200);
  });

  it('keeps an authorization code that was issued but not yet exchanged', async () => {
    const first = await started();
    const code = first.codeFor();
    await first.stop();

    const second = await restarted(first);
    expect((await second.exchange(code)).status).toBe(200);
  });

  it('keeps the state when the same simulator is stopped and started again', async () => {
    const harness = await started();
    const pair = await harness.newChain();
    await harness.stop();
    await harness.sim.start();
    expect((await harness.me(pair.access_token)).status).toBe(200);
  });
});

describe('writing the file', () => {
  it('creates the file and its directory at start, owner-only (0600)', async () => {
    stateFile = join(dir, 'nested', 'state.json');
    await started();
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
  });

  it('writes changes soon after they happen, before stop', async () => {
    const harness = await started();
    const app = harness.sim.control.addApp({ redirectUri: REDIRECT_URI });
    await vi.waitFor(async () => expect(await readFile(stateFile, 'utf8')).toContain(app.clientId));
  });

  it('replaces a file that had wider permissions with an owner-only one', async () => {
    const first = await started();
    await first.stop();
    await chmod(stateFile, 0o644);
    await restarted(first);
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
  });

  it('says which file it cannot write and what to check', async () => {
    // A directory that is a link to nowhere: nothing to read (a fresh start), and nowhere to write.
    await symlink(join(dir, 'gone', 'away'), join(dir, 'broken-link'));
    stateFile = join(dir, 'broken-link', 'state.json');
    const error = await refusal();
    expect(error.problem).toBe('unwritable');
    expect(error.message).toBe(
      `cannot write the simulator state file ${stateFile} (ENOENT): check that its directory is writable by the simulator`,
    );
  });
});

describe('a file it cannot use', () => {
  it('refuses a corrupt file, naming it and saying to delete it, without quoting it or overwriting it', async () => {
    const cutOff = '{"version":1,"apps":[{"clientId":"x","clientSecret":"Sekrit-Client-Value-77';
    await writeFile(stateFile, cutOff);
    const error = await refusal();
    expect(error.problem).toBe('corrupt');
    expect(error.message).toBe(
      `the simulator state file ${stateFile} is not usable: it is not valid JSON (cut off, or edited by hand?). ` +
        'Delete it to start the simulator fresh (the apps, users and chains in it are lost) or put back a good ' +
        'copy; the simulator will not overwrite it',
    );
    expect(error.message).not.toContain('Sekrit');
    expect(await readFile(stateFile, 'utf8')).toBe(cutOff);
  });

  it('names the fields that do not fit the format, without quoting their values', async () => {
    const first = await started();
    await first.stop();
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { users: { totpSecret: string }[] };
    saved.users[0]!.totpSecret = 'Sekrit!';
    await writeFile(stateFile, JSON.stringify(saved));
    const error = await refusal();
    expect(error.message).toContain('is not usable: users.0.totpSecret: is not a usable base32 TOTP secret.');
    expect(error.message).not.toContain('Sekrit');
    expect(error.message).not.toContain(first.user.password);
  });

  it('refuses a file of another format version', async () => {
    await writeFile(stateFile, JSON.stringify({ version: 2 }));
    expect((await refusal()).message).toContain('it has format version 2, and this simulator reads version 1');
  });

  it('refuses a JSON file that is not a state file', async () => {
    await writeFile(stateFile, '[]');
    expect((await refusal()).message).toContain('it has no format version (is it a simulator state file?)');
  });

  it('says it cannot read a path that is not a file', async () => {
    await mkdir(stateFile);
    const error = await refusal();
    expect([error.problem, error.file]).toEqual(['unreadable', stateFile]);
    expect(error.message).toContain('(EISDIR)');
  });

  it('refuses to mix apps added before start with the saved ones', async () => {
    const first = await started();
    await first.stop();
    const simulator = createSimulator({ stateFile });
    simulator.control.addApp({ redirectUri: REDIRECT_URI });
    await expect(simulator.start()).rejects.toThrow(/add apps and users after start\(\), or delete the file/);
  });
});
