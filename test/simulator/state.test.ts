/** The LoginState side of the simulator state, as the login pages use it, and the manual clock. */
import { describe, expect, it } from 'vitest';
import { EXACT_RULES, TOTP_STEP_S } from '../../src/exact/rules';
import { createSimulator, ManualClock, totpCode } from '../../src/simulator';

const START_MS = Date.UTC(2026, 0, 15, 10, 0, 10);
const STEP_MS = TOTP_STEP_S * 1000;

function setup() {
  const clock = new ManualClock(START_MS);
  const { state, control } = createSimulator({ clock });
  const app = control.addApp({ redirectUri: 'http://127.0.0.1:18871/callback' });
  const user = control.addUser({ username: 'Anna@Example.com', password: 'pw', totpSecret: 'JBSWY3DPEHPK3PXP' });
  return { clock, state, app, user };
}

describe('verifyTotp', () => {
  it('accepts the current code once and calls the replay in the same step reused', () => {
    const { state, user } = setup();
    const code = totpCode(user.totpSecret, START_MS);
    expect(state.verifyTotp(user.id, code)).toBe('ok');
    expect(state.verifyTotp(user.id, code)).toBe('reused');
  });

  it('accepts the codes of the previous and the next step', () => {
    const { state, user } = setup();
    expect(state.verifyTotp(user.id, totpCode(user.totpSecret, START_MS - STEP_MS))).toBe('ok');
    expect(state.verifyTotp(user.id, totpCode(user.totpSecret, START_MS + STEP_MS))).toBe('ok');
  });

  it('refuses codes two steps away, wrong codes and unknown users as wrong', () => {
    const { state, user } = setup();
    expect(state.verifyTotp(user.id, totpCode(user.totpSecret, START_MS - 2 * STEP_MS))).toBe('wrong');
    expect(state.verifyTotp(user.id, totpCode(user.totpSecret, START_MS + 2 * STEP_MS))).toBe('wrong');
    expect(state.verifyTotp(user.id, 'abcdef')).toBe('wrong');
    expect(state.verifyTotp('no-such-user', totpCode(user.totpSecret, START_MS))).toBe('wrong');
  });

  it('follows the simulator clock, not the machine clock', () => {
    const { state, user, clock } = setup();
    clock.advance(10 * STEP_MS);
    expect(state.verifyTotp(user.id, totpCode(user.totpSecret, START_MS))).toBe('wrong');
    expect(state.verifyTotp(user.id, totpCode(user.totpSecret, clock.nowMs()))).toBe('ok');
  });
});

describe('login state', () => {
  it('finds users by name regardless of case, and apps by client id', () => {
    const { state, app, user } = setup();
    expect(state.findUserByName('anna@example.COM')?.id).toBe(user.id);
    expect(state.findApp(app.clientId)?.redirectUri).toBe(app.redirectUri);
    expect(state.findApp('nope')).toBeUndefined();
  });

  it('records login attempts for the counters', () => {
    const { state, user } = setup();
    state.recordLogin(user.id, 'password', false);
    state.recordLogin(undefined, 'password', false);
    state.recordLogin(user.id, 'totp', true);
    expect(state.counters.snapshot().logins).toEqual([
      { atMs: START_MS, userId: user.id, step: 'password', ok: false },
      { atMs: START_MS, userId: undefined, step: 'password', ok: false },
      { atMs: START_MS, userId: user.id, step: 'totp', ok: true },
    ]);
  });

  it('issues codes bound to app and user, valid for the code lifetime', () => {
    const { state, app, user, clock } = setup();
    const code = state.issueAuthorizationCode({
      clientId: app.clientId,
      redirectUri: app.redirectUri,
      userId: user.id,
    });
    expect(state.findAuthorizationCode(code, app.clientId)?.userId).toBe(user.id);
    expect(state.findAuthorizationCode(code, 'other-app')).toBeUndefined();
    clock.advance(EXACT_RULES.authCodeTtlS * 1000);
    expect(state.findAuthorizationCode(code, app.clientId)).toBeUndefined();
  });

  it('exposes the clock, rules and login variant the simulator was created with', () => {
    const clock = new ManualClock(0);
    const { state } = createSimulator({ clock, loginVariant: 'b2c' });
    expect([state.clock, state.rules, state.loginVariant]).toEqual([clock, EXACT_RULES, 'b2c']);
  });
});

describe('ManualClock', () => {
  it('moves only when told, forward by advance and anywhere by set', () => {
    const clock = new ManualClock(1000);
    clock.advance(500);
    expect(clock.nowMs()).toBe(1500);
    clock.set(200);
    expect(clock.nowMs()).toBe(200);
  });

  it('refuses to go backwards by advance, or to non-finite times', () => {
    const clock = new ManualClock(1000);
    expect(() => clock.advance(-1)).toThrow(/must not be negative/);
    expect(() => clock.set(Number.NaN)).toThrow(/finite/);
  });
});

describe('createSimulator', () => {
  it('refuses a tokenCallsPerDay that is not a positive integer', () => {
    expect(() => createSimulator({ tokenCallsPerDay: 0 })).toThrow(/tokenCallsPerDay must be a positive integer/);
  });

  it('says baseUrl is not there before start', () => {
    expect(() => createSimulator().baseUrl).toThrow(/not started/);
  });
});
