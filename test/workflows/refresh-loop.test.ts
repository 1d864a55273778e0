import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_REFRESH_INTERVAL_S } from '../../src/exact/rules';
import { maxInAnyWindow } from '../../src/simulator';
import { refreshNowSignal, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const { EventType } = proto.temporal.api.enums.v1;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Gaps between consecutive access tokens of one user's chains, in seconds. */
function issueGapsS(h: ContainerHarness, username: string): number[] {
  const issued = h.sim.control
    .counters()
    .chains.filter((chain) => chain.username === username)
    .flatMap((chain) => chain.accessTokenIssuedAtMs)
    .sort((a, b) => a - b);
  return issued.slice(1).map((at, i) => (at - issued[i]!) / 1000);
}

function refreshCalls(h: ContainerHarness, username: string) {
  return h.sim.control
    .counters()
    .tokenCalls.filter((call) => call.username === username && call.grantType === 'refresh_token');
}

describe('the data-container refresh loop (time-skipping, simulator over HTTP)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refreshes 151 or 152 times a day, never earlier than 570 s, with zero error responses', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('day-long');
    const enrolled = await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    expect(enrolled.status).toBe('healthy');

    await h.env.sleep(DAY_MS);

    const refreshes = refreshCalls(h, user.username);
    expect(refreshes.every((call) => call.outcome === 'ok')).toBe(true);
    expect(refreshes.length).toBeGreaterThanOrEqual(151);
    expect(refreshes.length).toBeLessThanOrEqual(152);
    expect(Math.min(...issueGapsS(h, user.username))).toBeGreaterThanOrEqual(MIN_REFRESH_INTERVAL_S);
    expect(h.sim.control.counters().errors).toEqual([]);
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ status: 'healthy', chain: 1, refreshes: refreshes.length, failures: 0 });
    expect(status.generation).toBe(refreshes.length + 1);

    // A steady cycle costs one activity and one timer; the status search attribute does not flap per refresh.
    const events = (await handle.fetchHistory()).events ?? [];
    const count = (type: proto.temporal.api.enums.v1.EventType) =>
      events.filter((event) => event.eventType === type).length;
    expect(count(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).toBeLessThanOrEqual(2);
    expect(count(EventType.EVENT_TYPE_TIMER_STARTED)).toBeLessThanOrEqual(refreshes.length + 2);
  });

  it('turns 100 refreshNow signals in one minute into one extra token call, as soon as 570 s allow', async () => {
    const user = h.newUser();
    // An hourly interval: without refreshNow the next refresh would come an hour after enrollment.
    const handle = await h.startContainer('impatient', { refreshIntervalMs: HOUR_MS });
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    await h.env.sleep(2 * 60 * 1000);
    const before = refreshCalls(h, user.username).length;

    for (let i = 0; i < 100; i++) await handle.signal(refreshNowSignal);
    await h.env.sleep(60 * 1000);
    // 3 minutes after enrollment the rule forbids any refresh; the one extra comes as soon as it allows.
    expect(refreshCalls(h, user.username).length).toBe(before);
    await h.env.sleep(7 * 60 * 1000);

    const after = refreshCalls(h, user.username);
    expect(after.length - before).toBe(1);
    expect(Math.min(...issueGapsS(h, user.username))).toBeGreaterThanOrEqual(MIN_REFRESH_INTERVAL_S);
    expect(h.sim.control.counters().tooEarly).toBe(0);
    expect(maxInAnyWindow(h.sim.control.counters().errors, HOUR_MS)).toBe(0);
  });
});
