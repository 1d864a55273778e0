import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExactGateway } from '../../activities/exact-gateway';
import { refreshChain, type RefreshDeps } from '../../activities/refresh-chain';
import { exchangeCode } from '../../activities/start-chain';
import { sendHttpRequest } from '../../src/exact/http';
import { createSimulator, ManualClock, type Simulator, type SimUser } from '../../src/simulator';
import type { SimApp } from '../../src/simulator/types';
import { openVault } from '../../src/vault/open-vault';
import { VaultError } from '../../src/vault/errors';
import type { Vault } from '../../src/vault/vault';
import { FAILURE_TYPES } from '../../contract/failures';
import { createTestKeys } from '../support/test-keys';

/** The facts and type of the ApplicationFailure an activity threw. */
async function failureOf(work: Promise<unknown>) {
  const error = (await work.then(
    () => undefined,
    (e: unknown) => e,
  )) as { type?: string; message?: string; details?: Record<string, unknown>[] } | undefined;
  expect(error, 'the activity should have failed').toBeDefined();
  return { type: error!.type, message: error!.message ?? '', facts: error!.details?.[0] ?? {} };
}

describe('a refresh never spends an error after its token call (simulator over HTTP)', () => {
  let sim: Simulator;
  let clock: ManualClock;
  let app: SimApp;
  let loginOrigins: string[];
  let vault: Vault;
  let deps: RefreshDeps;
  let user: SimUser;
  let n = 0;
  const alias = () => `acme-${n}`;
  const exactTarget = () => ({ host: 'simulator', app: 'default' });

  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2026-12-02T09:00:00Z'));
    sim = createSimulator({ clock });
    ({ loginOrigins } = await sim.start());
    app = sim.control.addApp({ redirectUri: 'http://127.0.0.1:18871/callback' });
  });
  afterAll(() => sim.stop());

  beforeEach(async () => {
    n += 1;
    const keys = await createTestKeys();
    vault = await openVault({ url: ':memory:', sealer: keys.sealer });
    const exact = createExactGateway({
      apps: { default: { clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: app.redirectUri } },
      timeouts: { connectMs: 1000, headersMs: 1000, bodyMs: 1000 },
      extraLoginOrigins: loginOrigins,
    });
    deps = {
      vault,
      exact,
      now: () => clock.nowMs(),
      log: pino({ level: 'silent' }),
      consumerKey: keys.consumerKeys.current,
    };
    user = sim.control.addUser({ username: `user-${n}`, password: `pw-${n}-long-enough` });
    const { code } = sim.control.authorize({ clientId: app.clientId, username: user.username });
    await exchangeCode(deps, { alias: alias(), exact: exactTarget(), code });
    clock.advance(600_000);
    sim.control.clearFaults();
  });
  afterEach(() => vault.close());

  const request = (extra: { lostAnswerAtMs?: number } = {}) => ({
    alias: alias(),
    exact: exactTarget(),
    expected: { chain: 1, generation: 1 },
    minRefreshIntervalS: 570,
    ...extra,
  });

  it('counts a 2xx answer it cannot read as possibly lost (the retry waits out the rule)', async () => {
    sim.control.addFault({ route: 'token', kind: 'truncated', status: 200, afterProcessing: true, count: 1 });
    const failure = await failureOf(refreshChain(deps, request()));
    expect(failure.type).toBe(FAILURE_TYPES.transient);
    expect(failure.facts).toMatchObject({ tokenCallMade: true, answerMayBeLost: true });
  });

  it('counts a 5xx after the call as possibly lost too', async () => {
    sim.control.addFault({ route: 'token', kind: '5xx', count: 1 });
    expect((await failureOf(refreshChain(deps, request()))).facts).toMatchObject({ answerMayBeLost: true });
  });

  it('counts a journal write that fails after Exact answered as possibly lost', async () => {
    const failing = new Proxy(vault, {
      get: (target, property, receiver) =>
        property === 'writeNextGeneration'
          ? () => Promise.reject(new Error('disk I/O error'))
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const failure = await failureOf(refreshChain({ ...deps, vault: failing }, request()));
    expect(failure.type).toBe(FAILURE_TYPES.transient);
    expect(failure.facts).toMatchObject({ tokenCallMade: true, answerMayBeLost: true });
    expect(failure.message).not.toMatch(/disk I\/O/);
  });

  it('calls "old refresh token used" after its own lost answer "rotated but lost", and the audit says so', async () => {
    // Exact processes the refresh, the answer is lost: the journal still holds generation 1.
    sim.control.addFault({ route: 'token', kind: 'reset', afterProcessing: true, count: 1 });
    const lostAt = clock.nowMs();
    const lost = await failureOf(refreshChain(deps, request()));
    expect(lost.facts).toMatchObject({ answerMayBeLost: true });
    // Within 570 s of the lost call the retry only reads the journal: no token call Exact could call too early.
    const calls = sim.control.counters().tokenCalls.length;
    const early = await failureOf(refreshChain(deps, request({ lostAnswerAtMs: lostAt })));
    expect(early).toMatchObject({ type: FAILURE_TYPES.tooEarly, facts: { tokenCallMade: false } });
    expect(sim.control.counters().tokenCalls.length).toBe(calls);
    clock.advance(600_000);
    const broken = await failureOf(refreshChain(deps, request({ lostAnswerAtMs: lostAt })));
    expect(broken.type).toBe(FAILURE_TYPES.chainBroken);
    expect(broken.facts).toMatchObject({ chainBreak: 'rotated-but-lost' });
    const [latest] = await vault.listAudit(alias(), 1);
    expect(latest?.detail).toMatch(/rotated but lost/);
  });

  it('calls the same answer without a lost call before it a chain broken by another hand', async () => {
    sim.control.breakChain({ clientId: app.clientId, username: user.username, how: 'rotate' });
    const broken = await failureOf(refreshChain(deps, request()));
    expect(broken.facts).toMatchObject({ chainBreak: 'old-refresh-token' });
  });

  it('reads the journal again before calling a chain broken: a newer generation written meanwhile wins', async () => {
    const stale = new Proxy(deps.exact, {
      get: (target, property, receiver) =>
        property === 'refresh'
          ? async (...args: Parameters<typeof target.refresh>) => {
              // Another attempt rotated and stored the chain while this one's call was on its way.
              const current = (await vault.readChain(alias()))!;
              await vault.writeNextGeneration(alias(), current, { refreshToken: 'rotated-elsewhere-token-0001' });
              return target.refresh(...args);
            }
          : (Reflect.get(target, property, receiver) as unknown),
    });
    sim.control.breakChain({ clientId: app.clientId, username: user.username, how: 'rotate' });
    const result = await refreshChain({ ...deps, exact: stale }, request());
    expect(result).toMatchObject({ fromJournal: true, generation: 2 });
  });

  it('spends no token when the store refuses writes, and says why', async () => {
    const readOnly = new Proxy(vault, {
      get: (target, property, receiver) =>
        property === 'probeWrite'
          ? () => Promise.reject(new VaultError('not-writable', 'the store does not take writes (read-only)'))
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const before = sim.control.counters().tokenCalls.length;
    const failure = await failureOf(refreshChain({ ...deps, vault: readOnly }, request()));
    expect(failure.type).toBe(FAILURE_TYPES.storeUnavailable);
    expect(failure.facts).toMatchObject({ tokenCallMade: false });
    expect(failure.message).toMatch(/does not take writes/);
    expect(sim.control.counters().tokenCalls.length).toBe(before);
  });
});

describe('a call to Exact dies with its activity', () => {
  let server: Server;
  let url: string;
  const held: (() => void)[] = [];
  beforeAll(async () => {
    // An Exact that never answers.
    server = createServer((req, res) => held.push(() => res.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/oauth2/token`;
  });
  afterAll(async () => {
    for (const release of held) release();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ends at once when the activity is cancelled, as an answer that may be lost', async () => {
    const cancel = new AbortController();
    const startedMs = performance.now();
    const call = sendHttpRequest(
      { method: 'POST', url, headers: {}, body: 'x' },
      { timeouts: { headersMs: 20_000, bodyMs: 20_000 }, signal: cancel.signal },
    );
    setTimeout(() => cancel.abort(), 200);
    const result = await call;
    expect(result).toEqual({ failure: 'timeout', detail: 'the call was cancelled' });
    expect(performance.now() - startedMs).toBeLessThan(5_000);
  });

  it('ends at its total deadline even when every phase timeout is longer', async () => {
    const result = await sendHttpRequest(
      { method: 'POST', url, headers: {}, body: 'x' },
      { timeouts: { headersMs: 20_000, bodyMs: 20_000, totalMs: 300 } },
    );
    expect(result).toEqual({ failure: 'timeout', detail: 'no full answer within 300 ms' });
  });
});
