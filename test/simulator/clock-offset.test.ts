/**
 * Exact's clock (the simulator clock plus an offset) and the Date header: every answer says Exact's time
 * (never Node's own real-time Date), follows a ManualClock, and TOTP, codes and token rules follow the offset.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { EXACT_RULES } from '../../src/exact/rules';
import { createSimulator, MAX_CLOCK_OFFSET_MS, totpCode } from '../../src/simulator';
import { Harness, START_MS, tokens } from './harness';
import { LoginClient } from './login-client';

let h: Harness;
afterEach(async () => h.stop());

const OFFSET_MS = 7 * 60 * 1000 + 250;

/** The Date header of an answer, checking there is exactly one. */
async function dateOf(url: string, init: Parameters<typeof request>[1] = {}): Promise<string> {
  const response = await request(url, init);
  await response.body.dump();
  const date = response.headers.date;
  if (typeof date !== 'string') throw new Error(`expected one Date header from ${url}, got ${JSON.stringify(date)}`);
  return date;
}

describe('Date header', () => {
  it('is Exact time (clock + offset, whole seconds, IMF-fixdate) on every kind of answer, on both hosts', async () => {
    h = await new Harness({ clockOffsetMs: OFFSET_MS, loginVariant: 'hybrid' }).start();
    h.clock.set(START_MS + 999);
    const expected = new Date(START_MS + 999 + OFFSET_MS).toUTCString();
    expect(expected).toBe('Thu, 15 Jan 2026 10:07:01 GMT');
    const pair = await h.newChain();
    const base = h.baseUrl;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const client = new LoginClient(h);
    const answers = {
      token: await dateOf(`${base}/api/oauth2/token`, { method: 'POST', headers: form, body: 'grant_type=x' }),
      me: await dateOf(`${base}/api/v1/current/Me`, { headers: { authorization: `Bearer ${pair.access_token}` } }),
      meUnauthorized: await dateOf(`${base}/api/v1/current/Me`),
      authorize: await dateOf(client.authorizeUrl()),
      loginError: await dateOf(`${base}/docs/Login.aspx?tx=unknown`),
      notFound: await dateOf(`${base}/nothing-here`),
      methodNotAllowed: await dateOf(`${base}/api/oauth2/token`),
      control: await dateOf(`${base}/_sim/counters`),
      b2cHost: await dateOf(`${h.sim.loginOrigins[1] ?? ''}/b2c/signin?tx=unknown`),
      b2cNotFound: await dateOf(`${h.sim.loginOrigins[1] ?? ''}/api/oauth2/token`),
    };
    for (const [what, date] of Object.entries(answers)) expect(date, what).toBe(expected);

    h.sim.control.addFault({ route: 'token', kind: '5xx', count: 1 });
    expect(await dateOf(`${base}/api/oauth2/token`, { method: 'POST', headers: form, body: '' })).toBe(expected);
  });

  it('follows the ManualClock and the offset as they move', async () => {
    h = await new Harness().start();
    const url = `${h.baseUrl}/_sim/counters`;
    expect(await dateOf(url)).toBe('Thu, 15 Jan 2026 10:00:00 GMT');
    h.advanceS(3600);
    expect(await dateOf(url)).toBe('Thu, 15 Jan 2026 11:00:00 GMT');
    const set = await h.control('POST', 'clock-offset', { offsetMs: -30_000 });
    expect(JSON.parse(set.body)).toEqual({ offsetMs: -30_000, exactNowMs: START_MS + 3600_000 - 30_000 });
    expect(set.headers.date).toBe('Thu, 15 Jan 2026 10:59:30 GMT');
    h.sim.control.setClockOffset({ offsetMs: 0 });
    expect(await dateOf(url)).toBe('Thu, 15 Jan 2026 11:00:00 GMT');
  });

  it('refuses an offset that is not whole milliseconds within a year', async () => {
    h = await new Harness().start();
    expect((await h.control('POST', 'clock-offset', { offsetMs: 1.5 })).status).toBe(400);
    expect((await h.control('POST', 'clock-offset', { offsetMs: MAX_CLOCK_OFFSET_MS + 1 })).status).toBe(400);
    expect(() => createSimulator({ clockOffsetMs: Number.NaN })).toThrow(/clockOffsetMs/);
  });
});

describe("Exact's clock decides", () => {
  it('TOTP: the code of Exact time is accepted, the one of the simulator clock refused', async () => {
    h = await new Harness({ clockOffsetMs: 5 * 60 * 1000 }).start();
    const client = new LoginClient(h);
    const first = await client.follow(await client.get(client.authorizeUrl()));
    const totp = await client.follow(
      await client.submit(await client.submit(first, { LoginForm$UserName: h.user.username }), {
        LoginForm$Password: h.user.password,
      }),
    );
    const simulatorCode = totpCode(h.user.totpSecret, h.clock.nowMs());
    const exactCode = totpCode(h.user.totpSecret, h.clock.nowMs() + 5 * 60 * 1000);
    expect(simulatorCode).not.toBe(exactCode);
    const refused = await client.submit(totp, { LoginForm$Input$Key: simulatorCode });
    expect(refused.status).toBe(200);
    expect(refused.body).toContain('The verification code is incorrect.');
    expect((await client.submit(totp, { LoginForm$Input$Key: exactCode })).status).toBe(303);
  });

  it('codes expire and refreshes are allowed on Exact time; counters record Exact time', async () => {
    h = await new Harness().start();
    const code = h.codeFor();
    h.sim.control.setClockOffset({ offsetMs: EXACT_RULES.authCodeTtlS * 1000 });
    expect(JSON.parse((await h.exchange(code)).body)).toMatchObject({ error: 'invalid_grant' });

    h.sim.control.setClockOffset({ offsetMs: 0 });
    const pair = await h.newChain();
    expect((await h.refresh(pair.refresh_token)).status).toBe(400); // too early
    h.sim.control.setClockOffset({ offsetMs: EXACT_RULES.minRefreshIntervalS * 1000 });
    const refreshed = await h.refresh(pair.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(tokens(refreshed).token_type).toBe('bearer');
    expect(h.sim.control.counters().tokenCalls.at(-1)?.atMs).toBe(START_MS + EXACT_RULES.minRefreshIntervalS * 1000);
  });
});
