/** The token endpoint's answers for code exchange and refresh, byte for byte as Exact writes them. */
import { afterEach, describe, expect, it } from 'vitest';
import { EXACT_RULES, scaleRules } from '../../src/exact/rules';
import { Harness, START_MS, tokens } from './harness';

const CHAIN_ID_BODY =
  '{ "error":"invalid_grant","error_description":"Token is not allowed, because of invalid or empty chainId" }';
const CHAIN_ID_REASON = 'Unknown: Token is not allowed, because of invalid or empty chainId';
const OLD_TOKEN_BODY = '{"error":"unauthorized_client","error_description":"Old refresh token used."}';
const TOO_EARLY_BODY =
  '{ "error":"access_denied","error_description":"Rate limit exceeded: access_token not expired" }';
const MIN_INTERVAL_S = EXACT_RULES.minRefreshIntervalS;

let harness: Harness;
async function start(options: ConstructorParameters<typeof Harness>[0] = {}): Promise<Harness> {
  harness = await new Harness(options).start();
  return harness;
}
afterEach(async () => harness.stop());

describe('code exchange', () => {
  it('answers 200 with bearer tokens, expires_in as the string "600" and a refresh token containing "!"', async () => {
    const h = await start();
    const answer = await h.exchange(h.codeFor());
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-store');
    const body = tokens(answer);
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in', 'refresh_token']);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe('600');
    expect(body.refresh_token).toContain('!');
    expect(body.access_token).toMatch(/^gAAAA[A-Za-z0-9_-]{800,}$/);
  });

  it('issues JWT-shaped authorization codes of three base64url parts', async () => {
    const h = await start();
    expect(h.codeFor()).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('states expires_in from the rules in force, rounded, when time is scaled', async () => {
    const h = await start({ rules: scaleRules(0.01) });
    expect(tokens(await h.exchange(h.codeFor())).expires_in).toBe('6');
  });

  it('answers 400 invalid chainId when a code is exchanged a second time', async () => {
    const h = await start();
    const code = h.codeFor();
    expect((await h.exchange(code)).status).toBe(200);
    const again = await h.exchange(code);
    expect(again.status).toBe(400);
    expect(again.body).toBe(CHAIN_ID_BODY);
    expect(again.headers.reason).toBe(CHAIN_ID_REASON);
  });

  it('answers 400 invalid chainId for a code older than the code lifetime', async () => {
    const h = await start();
    const code = h.codeFor();
    h.advanceS(EXACT_RULES.authCodeTtlS);
    const answer = await h.exchange(code);
    expect([answer.status, answer.body, answer.headers.reason]).toEqual([400, CHAIN_ID_BODY, CHAIN_ID_REASON]);
  });

  it('accepts a code just inside its lifetime', async () => {
    const h = await start();
    const code = h.codeFor();
    h.advanceS(EXACT_RULES.authCodeTtlS - 1);
    expect((await h.exchange(code)).status).toBe(200);
  });

  it('answers 400 invalid chainId for a code issued to another app', async () => {
    const h = await start();
    const other = h.sim.control.addApp({ redirectUri: h.app.redirectUri });
    const answer = await h.exchange(h.codeFor(h.user.username, other.clientId));
    expect([answer.status, answer.body]).toEqual([400, CHAIN_ID_BODY]);
  });

  it('keeps one live chain per app and user: a new authorization makes the previous refresh token old', async () => {
    const h = await start();
    const first = await h.newChain();
    const second = await h.newChain();
    h.advanceS(MIN_INTERVAL_S);
    const stale = await h.refresh(first.refresh_token);
    expect([stale.status, stale.body]).toEqual([401, OLD_TOKEN_BODY]);
    expect((await h.refresh(second.refresh_token)).status).toBe(200);
    const counters = h.sim.control.counters();
    expect(counters.oldRefreshTokenPresented).toBe(1);
    expect(counters.chains.map((chain) => chain.alive)).toEqual([false, true]);
  });

  it('keeps the chains of different users of one app apart', async () => {
    const h = await start();
    h.sim.control.addUser({ username: 'bob@example.com', password: 'pw-bob-123' });
    const anna = await h.newChain();
    await h.newChain('bob@example.com');
    h.advanceS(MIN_INTERVAL_S);
    expect((await h.refresh(anna.refresh_token)).status).toBe(200);
  });
});

describe('refresh', () => {
  it('rotates: each refresh returns a new pair, and the rotated refresh token gets 401 Old refresh token used', async () => {
    const h = await start();
    const first = await h.newChain();
    h.advanceS(MIN_INTERVAL_S);
    const answer = await h.refresh(first.refresh_token);
    expect(answer.status).toBe(200);
    const second = tokens(answer);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    h.advanceS(MIN_INTERVAL_S);
    const reused = await h.refresh(first.refresh_token);
    expect(reused.status).toBe(401);
    expect(reused.body).toBe(OLD_TOKEN_BODY);
    expect(reused.body).not.toContain(first.refresh_token);
    expect(h.sim.control.counters().oldRefreshTokenPresented).toBe(1);
  });

  it('answers 400 access_denied with the TooEarlyToRefreshTokens reason one second before 570 s', async () => {
    const h = await start();
    const first = await h.newChain();
    h.advanceS(MIN_INTERVAL_S - 1);
    const early = await h.refresh(first.refresh_token);
    expect(early.status).toBe(400);
    expect(early.body).toBe(TOO_EARLY_BODY);
    expect(early.headers.reason).toBe('TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired');
    expect(h.sim.control.counters().tooEarly).toBe(1);
    h.advanceS(1);
    expect((await h.refresh(first.refresh_token)).status).toBe(200);
  });

  it('answers a too-early refresh with 401 "Access Token not expired" in the legacy mode', async () => {
    const h = await start({ legacyTooEarly401: true });
    const first = await h.newChain();
    const early = await h.refresh(first.refresh_token);
    expect(early.status).toBe(401);
    expect(early.body).toBe('{ "error":"access_denied","error_description":"Access Token not expired" }');
    expect(early.headers.reason).toBe('Access Token not expired');
  });

  it('counts 570 s from the last access token of the chain, not from the chain start', async () => {
    const h = await start();
    const first = await h.newChain();
    h.advanceS(MIN_INTERVAL_S + 100);
    const second = tokens(await h.refresh(first.refresh_token));
    h.advanceS(MIN_INTERVAL_S - 1);
    expect((await h.refresh(second.refresh_token)).status).toBe(400);
    const issued = h.sim.control.counters().chains[0]?.accessTokenIssuedAtMs;
    expect(issued).toEqual([START_MS, START_MS + (MIN_INTERVAL_S + 100) * 1000]);
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['empty', ''],
    ['well-formed but unknown', 'yIA2!IAAAunknownunknownunknownunknownunknownunknown'],
  ])('answers 400 invalid chainId with the Unknown reason for a %s refresh token', async (_kind, refreshToken) => {
    const h = await start();
    const answer = await h.refresh(refreshToken);
    expect(answer.status).toBe(400);
    expect(answer.body).toBe(CHAIN_ID_BODY);
    expect(answer.headers.reason).toBe(CHAIN_ID_REASON);
  });

  it('answers 400 invalid chainId when another app presents the refresh token', async () => {
    const h = await start();
    const pair = await h.newChain();
    const other = h.sim.control.addApp({ redirectUri: h.app.redirectUri });
    h.advanceS(MIN_INTERVAL_S);
    const answer = await h.refresh(pair.refresh_token, {
      client_id: other.clientId,
      client_secret: other.clientSecret,
    });
    expect([answer.status, answer.body]).toEqual([400, CHAIN_ID_BODY]);
  });

  it('answers 400 invalid_request with both dates in US format when the refresh token idled past 30 days', async () => {
    const h = await start();
    h.clock.set(Date.UTC(2022, 8, 11, 21, 18, 20));
    const pair = await h.newChain();
    h.clock.set(Date.UTC(2022, 9, 28, 16, 15, 50));
    const answer = await h.refresh(pair.refresh_token);
    expect(answer.status).toBe(400);
    expect(answer.body).toBe(
      '{"error":"invalid_request","error_description":"The refresh token expired at 10\\/11\\/2022 9:18:20 PM and it is now 10\\/28\\/2022 4:15:50 PM."}',
    );
  });

  it('still refreshes one second before the 30-day idle expiry', async () => {
    const h = await start();
    const pair = await h.newChain();
    h.advanceS(EXACT_RULES.refreshTokenIdleTtlS - 1);
    expect((await h.refresh(pair.refresh_token)).status).toBe(200);
  });

  it('writes midnight and noon as 12 AM and 12 PM in the expiry text', async () => {
    const h = await start();
    h.clock.set(Date.UTC(2024, 0, 1, 0, 5, 9) - EXACT_RULES.refreshTokenIdleTtlS * 1000);
    const pair = await h.newChain();
    h.clock.set(Date.UTC(2024, 0, 1, 12, 0, 0));
    expect(JSON.parse((await h.refresh(pair.refresh_token)).body)).toEqual({
      error: 'invalid_request',
      error_description: 'The refresh token expired at 1/1/2024 12:05:09 AM and it is now 1/1/2024 12:00:00 PM.',
    });
  });
});

describe('grace until activated', () => {
  it('by default makes the previous refresh token old as soon as the new pair is issued', async () => {
    const h = await start();
    const first = await h.newChain();
    h.advanceS(MIN_INTERVAL_S);
    await h.refresh(first.refresh_token);
    h.advanceS(MIN_INTERVAL_S);
    expect((await h.refresh(first.refresh_token)).status).toBe(401);
  });

  it('when on, accepts the previous refresh token again while the new pair is unused, and retires the unused pair', async () => {
    const h = await start({ graceUntilActivated: true });
    const first = await h.newChain();
    h.advanceS(MIN_INTERVAL_S);
    const lost = tokens(await h.refresh(first.refresh_token));
    // The answer "never arrived": the client retries with what it still has, after the 570 s.
    const early = await h.refresh(first.refresh_token);
    expect(early.status).toBe(400);
    expect(early.body).toBe(TOO_EARLY_BODY);
    h.advanceS(MIN_INTERVAL_S);
    const retried = await h.refresh(first.refresh_token);
    expect(retried.status).toBe(200);
    h.advanceS(MIN_INTERVAL_S);
    expect((await h.refresh(lost.refresh_token)).body).toBe(OLD_TOKEN_BODY);
    expect((await h.refresh(tokens(retried).refresh_token)).status).toBe(200);
  });

  it('when on, ends the grace once the new access token is used on /Me', async () => {
    const h = await start({ graceUntilActivated: true });
    const first = await h.newChain();
    h.advanceS(MIN_INTERVAL_S);
    const second = tokens(await h.refresh(first.refresh_token));
    expect((await h.me(second.access_token)).status).toBe(200);
    h.advanceS(MIN_INTERVAL_S);
    const answer = await h.refresh(first.refresh_token);
    expect([answer.status, answer.body]).toEqual([401, OLD_TOKEN_BODY]);
  });

  it('when on, ends the grace once the new refresh token is used', async () => {
    const h = await start({ graceUntilActivated: true });
    const first = await h.newChain();
    h.advanceS(MIN_INTERVAL_S);
    const second = tokens(await h.refresh(first.refresh_token));
    h.advanceS(MIN_INTERVAL_S);
    expect((await h.refresh(second.refresh_token)).status).toBe(200);
    h.advanceS(MIN_INTERVAL_S);
    expect((await h.refresh(first.refresh_token)).status).toBe(401);
  });

  it('when on, does not reach back two generations', async () => {
    const h = await start({ graceUntilActivated: true });
    const first = await h.newChain();
    h.advanceS(MIN_INTERVAL_S);
    const second = tokens(await h.refresh(first.refresh_token));
    h.advanceS(MIN_INTERVAL_S);
    await h.refresh(second.refresh_token);
    h.advanceS(MIN_INTERVAL_S);
    expect((await h.refresh(first.refresh_token)).status).toBe(401);
  });
});
