/**
 * The waits of the refresh loop that only a failure or a spent budget reaches: a second too-early refusal in a
 * row backs off fully, a misconfiguration waits for `refreshNow`, and a spent daily token budget waits for the
 * new day. Time-skipping server, the simulator over HTTP; refreshChain is wrapped to fail on cue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILURE_TYPES } from '../../contract/failures';
import { refreshNowSignal, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { chainkeeperFailure } from '../../activities/failures';
import { TOKEN_CALLS_PER_DAY } from '../../src/exact/rules';
import { TOKEN_CALL_RESERVE } from '../../workflows/container/schedule';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** How the wrapped refreshChain answers a container: as it is, or refused in one of these ways. */
type Cue = 'too-early' | 'misconfigured' | 'transient' | undefined;

describe('waits of the refresh loop (time-skipping)', () => {
  let h: ContainerHarness;
  const cues = new Map<string, Cue>();
  /** Times (simulator clock) refreshChain was called, per container. */
  const calls = new Map<string, number[]>();

  beforeAll(async () => {
    h = await createContainerHarness({
      wrap: (activities, deps) => ({
        ...activities,
        refreshChain: async (request) => {
          calls.set(request.alias, [...(calls.get(request.alias) ?? []), deps.now()]);
          switch (cues.get(request.alias)) {
            case 'too-early':
              throw chainkeeperFailure(FAILURE_TYPES.tooEarly, 'refused as too early (test)', {
                retryAfterS: 5,
                tokenCallMade: false,
              });
            case 'transient':
              throw chainkeeperFailure(FAILURE_TYPES.transient, 'Exact answered 503 (test)', { tokenCallMade: true });
            case 'misconfigured':
              // An app the worker does not know: the gateway refuses it as Exact would an unknown client.
              return activities.refreshChain({ ...request, exact: { ...request.exact, app: 'unconfigured' } });
            default:
              return activities.refreshChain(request);
          }
        },
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function enrolled(alias: string, options = {}) {
    const handle = await h.startContainer(alias, options);
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(h.newUser()) }] });
    return handle;
  }

  it('waits out a too-early refusal once, and backs off fully at the second in a row', async () => {
    const handle = await enrolled('too-early-twice');
    cues.set('too-early-twice', 'too-early');
    await h.env.sleep(10 * MINUTE_MS);
    // Refused at ~9.5 minutes, again 5 s later (the wait Exact named, no backoff): now the streak is two.
    cues.set('too-early-twice', undefined);
    await h.env.sleep(MINUTE_MS);
    const [first, second, third] = calls.get('too-early-twice')!;
    expect(second! - first!).toBeGreaterThanOrEqual(5000);
    expect(second! - first!).toBeLessThan(6000);
    // The second refusal in a row waits the backoff of attempt 2 (2 × 10 s), longer than the 5 s named.
    expect(third! - second!).toBeGreaterThanOrEqual(20_000);
    expect(third! - second!).toBeLessThan(21_000);
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', retryAttempt: 0 });
    await handle.terminate('test done');
  });

  it('waits for an admin after a misconfiguration, and refreshNow tries again at once', async () => {
    const handle = await enrolled('misconfigured');
    cues.set('misconfigured', 'misconfigured');
    await h.env.sleep(30 * MINUTE_MS);
    const stuck = await handle.query(statusQuery);
    expect(stuck.status).toBe('needs-reauth');
    expect(stuck.lastError?.type).toBe(FAILURE_TYPES.misconfigured);
    expect(stuck.reauthReason).toMatch(/set up wrong.*then send `refreshNow`/);
    // Nothing heals it by itself: one refusal, no retries.
    expect(calls.get('misconfigured')).toHaveLength(1);

    cues.set('misconfigured', undefined);
    await handle.signal(refreshNowSignal);
    await h.env.sleep(MINUTE_MS);
    expect(calls.get('misconfigured')).toHaveLength(2);
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', refreshes: stuck.refreshes + 1 });
    await handle.terminate('test done');
  });

  it('stops calling Exact when the day’s token budget is spent, and goes on the next day', async () => {
    // Start just after midnight UTC, so the budget's day does not turn during the test.
    await h.env.sleep(DAY_MS - ((await h.env.currentTimeMs()) % DAY_MS) + 1000);
    const handle = await enrolled('spendthrift', { retryInitialMs: 1000, retryMaxMs: 1000 });
    cues.set('spendthrift', 'transient');
    await h.env.sleep(20 * MINUTE_MS);
    const budget = TOKEN_CALLS_PER_DAY - TOKEN_CALL_RESERVE;
    // The enrollment's code exchange counts too: the refreshes get the rest of the day's budget.
    expect(calls.get('spendthrift')).toHaveLength(budget - 1);
    const waiting = await handle.query(statusQuery);
    expect(waiting).toMatchObject({ status: 'retrying', tokenCallsToday: budget });
    expect(waiting.lastError).toMatchObject({ type: FAILURE_TYPES.rateLimited });
    expect(waiting.lastError?.message).toMatch(/token-call budget is spent/);
    expect(Date.parse(waiting.nextRefreshAt!) % DAY_MS).toBe(0);

    cues.set('spendthrift', undefined);
    await h.env.sleep(DAY_MS - ((await h.env.currentTimeMs()) % DAY_MS) - MINUTE_MS);
    expect(calls.get('spendthrift')).toHaveLength(budget - 1);
    await h.env.sleep(2 * MINUTE_MS);
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', tokenCallsToday: 1 });
    await handle.terminate('test done');
  });
});
