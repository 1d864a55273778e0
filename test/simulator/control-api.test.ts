/** The /_sim/ control API over HTTP (and its in-process twin): operations, chain breaks and bad input. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXACT_RULES } from '../../src/exact/rules';
import { createSimulator, SimulatorInputError, type SimCounters, type SimUser } from '../../src/simulator';
import { Harness, START_MS, tokens } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

function json(answer: { body: string }): Record<string, unknown> {
  return JSON.parse(answer.body) as Record<string, unknown>;
}

describe('operations', () => {
  it('registers an app with a generated braced GUID client id and secret', async () => {
    const answer = await h.control('POST', 'apps', { redirectUri: 'http://127.0.0.1:18872/cb' });
    expect(answer.status).toBe(201);
    expect(json(answer)).toEqual({
      clientId: expect.stringMatching(/^\{[0-9a-f-]{36}\}$/) as unknown,
      clientSecret: expect.any(String) as unknown,
      redirectUri: 'http://127.0.0.1:18872/cb',
    });
  });

  it('creates a user and returns it with its generated TOTP secret', async () => {
    const answer = await h.control('POST', 'users', {
      username: 'carl@example.com',
      password: 'pw-carl-1',
      division: 42,
    });
    expect(answer.status).toBe(201);
    const user = json(answer) as unknown as SimUser;
    expect(user).toMatchObject({ username: 'carl@example.com', fullName: 'carl@example.com', division: 42 });
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(user.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('keeps a TOTP secret the test gives (16 base32 characters are enough)', async () => {
    const answer = await h.control('POST', 'users', {
      username: 'd@example.com',
      password: 'p',
      totpSecret: 'JBSWY3DPEHPK3PXP',
    });
    expect(json(answer).totpSecret).toBe('JBSWY3DPEHPK3PXP');
  });

  it('authorizes without a browser: the code exchanges for a chain', async () => {
    const answer = await h.control('POST', 'authorize', { clientId: h.app.clientId, username: h.user.username });
    expect(answer.status).toBe(200);
    const { code } = json(answer) as { code: string };
    expect((await h.exchange(code)).status).toBe(200);
  });

  it('moves a manual clock by advanceMs and to nowMs', async () => {
    expect(json(await h.control('POST', 'clock', { advanceMs: 1500 }))).toEqual({ nowMs: START_MS + 1500 });
    expect(json(await h.control('POST', 'clock', { nowMs: START_MS - 10 }))).toEqual({ nowMs: START_MS - 10 });
    expect(h.clock.nowMs()).toBe(START_MS - 10);
  });

  it('refuses to move the system clock with 409', async () => {
    const sim = createSimulator();
    const { baseUrl } = await sim.start();
    try {
      const answer = await fetch(`${baseUrl}/_sim/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: 1000 }),
      });
      expect(answer.status).toBe(409);
      expect(await answer.json()).toEqual({
        error: 'the simulator follows the system clock; start it with a ManualClock',
      });
    } finally {
      await sim.stop();
    }
  });

  it('reports counters with no token, code or password in them, and resets them', async () => {
    const pair = await h.newChain();
    await h.me(pair.access_token);
    const answer = await h.control('GET', 'counters');
    expect(answer.status).toBe(200);
    const counters = json(answer) as unknown as SimCounters;
    expect(counters.tokenCalls).toEqual([
      {
        atMs: START_MS,
        clientId: h.app.clientId,
        userId: h.user.id,
        username: h.user.username,
        grantType: 'authorization_code',
        outcome: 'ok',
        status: 200,
      },
    ]);
    expect(counters.chains).toEqual([
      {
        chainId: expect.any(String) as unknown,
        clientId: h.app.clientId,
        userId: h.user.id,
        username: h.user.username,
        startedAtMs: START_MS,
        alive: true,
        accessTokenIssuedAtMs: [START_MS],
      },
    ]);
    for (const secret of [
      pair.access_token,
      pair.refresh_token,
      h.user.password,
      h.user.totpSecret,
      h.app.clientSecret,
    ]) {
      expect(answer.body).not.toContain(secret);
    }
    expect((await h.control('POST', 'reset-counters')).status).toBe(200);
    const reset = json(await h.control('GET', 'counters')) as unknown as SimCounters;
    expect([reset.tokenCalls, reset.meCalls, reset.chains[0]?.accessTokenIssuedAtMs]).toEqual([[], [], []]);
  });

  it('adds and lists fault rules', async () => {
    const added = await h.control('POST', 'faults', { route: 'token', kind: '5xx', count: 3 });
    expect([added.status, json(added)]).toEqual([201, { id: 1 }]);
    const listed = JSON.parse((await h.control('GET', 'faults')).body) as unknown;
    expect(listed).toEqual([{ id: 1, route: 'token', kind: '5xx', count: 3, left: 3 }]);
  });
});

describe('breaking a chain', () => {
  it('rotate: the client token becomes old, as if someone else had refreshed', async () => {
    const pair = await h.newChain();
    const answer = await h.control('POST', 'chains/break', {
      clientId: h.app.clientId,
      username: h.user.username,
      how: 'rotate',
    });
    expect(answer.status).toBe(200);
    h.advanceS(EXACT_RULES.minRefreshIntervalS);
    const refused = await h.refresh(pair.refresh_token);
    expect([refused.status, refused.body]).toEqual([
      401,
      '{"error":"unauthorized_client","error_description":"Old refresh token used."}',
    ]);
  });

  it('rotate: counts as used even under grace-until-activated', async () => {
    const graceful = await new Harness({ graceUntilActivated: true }).start();
    try {
      const pair = await graceful.newChain();
      graceful.sim.control.breakChain({
        clientId: graceful.app.clientId,
        username: graceful.user.username,
        how: 'rotate',
      });
      graceful.advanceS(EXACT_RULES.minRefreshIntervalS);
      expect((await graceful.refresh(pair.refresh_token)).status).toBe(401);
    } finally {
      await graceful.stop();
    }
  });

  it('invalidate: the token gets invalid chainId and its access token 401', async () => {
    const pair = await h.newChain();
    h.sim.control.breakChain({ clientId: h.app.clientId, username: h.user.username, how: 'invalidate' });
    h.advanceS(EXACT_RULES.minRefreshIntervalS);
    const refused = await h.refresh(pair.refresh_token);
    expect([refused.status, json(refused).error]).toEqual([400, 'invalid_grant']);
    expect((await h.me(pair.access_token)).status).toBe(401);
    expect(h.sim.control.counters().chains[0]?.alive).toBe(false);
  });

  it('expire: the token gets the dated idle-expiry error', async () => {
    const pair = await h.newChain();
    h.sim.control.breakChain({ clientId: h.app.clientId, username: h.user.username, how: 'expire' });
    h.advanceS(EXACT_RULES.minRefreshIntervalS);
    const refused = await h.refresh(pair.refresh_token);
    expect(refused.status).toBe(400);
    expect(json(refused).error_description).toMatch(
      /^The refresh token expired at 1\/15\/2026 9:59:59 AM and it is now/,
    );
  });

  it('a new authorization after a break starts a working chain again', async () => {
    await h.newChain();
    h.sim.control.breakChain({ clientId: h.app.clientId, username: h.user.username, how: 'invalidate' });
    const pair = await h.newChain();
    h.advanceS(EXACT_RULES.minRefreshIntervalS);
    expect(tokens(await h.refresh(pair.refresh_token)).token_type).toBe('bearer');
  });
});

describe('bad input', () => {
  it.each([
    ['apps', {}, 'bad app: redirectUri:'],
    ['apps', { redirectUri: 'not a url' }, 'bad app: redirectUri:'],
    ['apps', { redirectUri: 'http://127.0.0.1/cb', extra: 1 }, 'bad app: (body): Unrecognized key: "extra"'],
    ['users', { username: 'x' }, 'bad user: password:'],
    ['users', { username: 'x', password: 'p', totpSecret: 'lowercase-not-b32!' }, 'totpSecret must be base32'],
    ['users', { username: 'anna@example.com', password: 'p' }, 'a user named anna@example.com exists'],
    ['authorize', { clientId: 'nope', username: 'anna@example.com' }, 'no app with clientId nope'],
    ['chains/break', { clientId: 'c', username: 'anna@example.com', how: 'explode' }, 'bad chain break: how:'],
    ['chains/break', { clientId: 'c', username: 'anna@example.com', how: 'rotate' }, 'no live chain for clientId c'],
    ['clock', { advanceMs: -5 }, 'bad clock change:'],
    ['clock', { later: 5 }, 'bad clock change:'],
    ['faults', { route: 'token', kind: 'meteor' }, 'bad fault rule: kind:'],
    ['faults', { route: 'me', kind: '5xx', count: 1, probability: 0.5 }, 'give probability or count, not both'],
    ['faults', { route: 'auth', kind: 'reset', afterProcessing: true }, 'afterProcessing applies to the token and me'],
    ['faults', { route: 'me', kind: '5xx', status: 404 }, 'a 5xx fault needs a status of 500 or more'],
  ])('POST /_sim/%s with %j answers 400 saying what was wrong', async (path, input, message) => {
    const answer = await h.control('POST', path, input);
    expect(answer.status).toBe(400);
    expect(json(answer).error).toContain(message);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const answer = await h.send('POST', '/_sim/users', {
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect([answer.status, json(answer)]).toEqual([400, { error: 'the request body is not valid JSON' }]);
  });

  it('answers 400 to a body that is not sent as JSON', async () => {
    const answer = await h.send('POST', '/_sim/users', { body: 'a=b', headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(400);
  });

  it('answers 404 to an unknown operation and 405 to a wrong method', async () => {
    expect((await h.control('GET', 'nothing')).status).toBe(404);
    expect((await h.control('GET', 'apps')).status).toBe(405);
  });

  it('throws a SimulatorInputError in-process, without echoing the password', () => {
    expect(() => h.sim.control.addUser({ username: '', password: 's3cret-pass' })).toThrow(SimulatorInputError);
    try {
      h.sim.control.addUser({ username: '', password: 's3cret-pass' });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret-pass');
    }
  });
});
