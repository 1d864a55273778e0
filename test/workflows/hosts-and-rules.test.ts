/**
 * Issue 11, points 1 and 2: the worker, not the workflow input, decides where a container's tokens and secrets go
 * and which of Exact's rules apply. Time-skipping server, the simulator over real HTTP, and a second local HTTP
 * server that stands for "any host an input could name": it must never receive a request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostTable, type HostTable } from '../../src/exact/known-hosts';
import { scaleRules } from '../../src/exact/rules';
import { refreshNowSignal, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;

/** A server that records every request it gets: the host an attacker would name. */
async function startRecorder(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** The failure a run ended with, from `result()`. */
async function failureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('hosts from the worker (time-skipping)', () => {
  let h: ContainerHarness;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  /** The worker's configuration no longer names its simulator (as after a restart without it). */
  let forgotten = false;
  /** The next run to ask the worker finds the simulator forgotten. */
  let forgetAtNextRun = false;

  beforeAll(async () => {
    recorder = await startRecorder();
    h = await createContainerHarness({
      hosts: (baseUrl): HostTable => {
        const configured = createHostTable([{ key: 'simulator', baseUrl }]);
        const bare = createHostTable([]);
        return { keys: configured.keys, lookup: (choice) => (forgotten ? bare : configured).lookup(choice) };
      },
      wrap: (activities) => ({
        ...activities,
        hostSettings: async (request) => {
          if (forgetAtNextRun) forgotten = true;
          return activities.hostSettings(request);
        },
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
    recorder?.server.close();
  });

  it('fails a fresh start naming an unknown host key, before any request', async () => {
    const handle = await h.startRaw('container/unknown-key', {
      alias: 'unknown-key',
      exact: { host: 'zz', app: 'default' },
    });
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('BadContainerInputError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/exact\.host "zz" is not a host this worker knows: use one of nl, be, .*simulator/);
    expect(await h.vault.readChain('unknown-key')).toBeUndefined();
  });

  it("fails a fresh start whose baseUrl is not one of the worker's hosts; that host gets nothing", async () => {
    const handle = await h.startRaw('container/foreign-host', {
      alias: 'foreign-host',
      exact: { baseUrl: recorder.url, app: 'default' },
    });
    const failure = await failureOf(handle.result());
    expect(failure.message).toMatch(/exact\.baseUrl is not one of this worker's hosts/);
    expect(failure.message).not.toContain(recorder.url);
    expect(recorder.requests).toEqual([]);
  });

  it("keeps running a container whose input holds a known host's base URL (inputs from before host keys)", async () => {
    const user = h.newUser();
    const handle = await h.startContainer('old-style', undefined, { baseUrl: h.baseUrl, app: 'default' });
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    await h.env.sleep(25 * MINUTE_MS);
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ status: 'healthy', chain: 1 });
    expect(status.refreshes).toBeGreaterThanOrEqual(2);
    await handle.terminate('test done');
  });

  it('stops a running container in needs-reauth when its worker no longer knows its host, and sends nothing', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('forgetful', { cyclesPerRun: 10 });
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    // The second run (after 10 cycles) asks the worker again, and finds the simulator gone from its configuration.
    forgetAtNextRun = true;
    await h.env.sleep(120 * MINUTE_MS);
    forgetAtNextRun = false;
    const status = await handle.query(statusQuery);
    expect(status.status).toBe('needs-reauth');
    expect(status.runs).toBe(2);
    expect(status.reauthReason).toMatch(
      /nothing is sent to this container's host: exact\.host "simulator" is not a host/,
    );
    const tokenCalls = () => h.sim.control.counters().tokenCalls.filter((c) => c.username === user.username).length;
    const calls = tokenCalls();

    // refreshNow tries again, on a worker that still refuses: no request leaves it.
    await handle.signal(refreshNowSignal);
    await h.env.sleep(30 * MINUTE_MS);
    expect(tokenCalls()).toBe(calls);
    expect((await handle.query(statusQuery)).status).toBe('needs-reauth');
    await handle.terminate('test done');
    forgotten = false;
  });
});

describe("Exact's rules from the worker, options bounded (time-skipping)", () => {
  let h: ContainerHarness;
  const SCALE = 0.01;

  beforeAll(async () => {
    // A worker configured for a simulator at 1/100 of real time (CHAINKEEPER_TIME_SCALE=0.01).
    h = await createContainerHarness({
      simulator: { rules: scaleRules(SCALE) },
      hosts: (baseUrl) => createHostTable([{ key: 'simulator', baseUrl, timeScale: SCALE }]),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("refreshes at the worker's compressed rules without any rules in the input", async () => {
    const user = h.newUser();
    const handle = await h.startContainer('scaled');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    await h.env.sleep(60 * 1000);
    const status = await handle.query(statusQuery);
    // 570 s × 0.01 = 5.7 s a cycle: about ten refreshes in a minute, none refused as too early.
    expect(status.refreshes).toBeGreaterThanOrEqual(8);
    expect(status.status).toMatch(/healthy|refreshing/);
    expect(h.sim.control.counters().tooEarly).toBe(0);
    // An interval this worker's rules allow (at least 5.7 s), which a real-time worker would refuse.
    const fast = await h.startContainer('interval-scaled', { refreshIntervalMs: 6000 });
    expect((await fast.query(statusQuery)).alias).toBe('interval-scaled');
    await handle.terminate('test done');
    await fast.terminate('test done');
  });

  it.each([
    [{ rules: scaleRules(0.0001) }, /options\.rules is not taken from input: Exact's rules come from the worker's/],
    [{ cyclesPerRun: 5 }, /options\.cyclesPerRun must be a whole number from 10 to 1000, e\.g\. "cyclesPerRun": 100/],
    [{ refreshIntervalMs: 1000 }, /options\.refreshIntervalMs must be a whole number from 5700 to 864000/],
    [{ recoveriesPerDay: 20 }, /options\.recoveriesPerDay must be a whole number from 0 to 3/],
    [
      { credentialsTtlMs: 90 * 24 * 3600 * 1000 },
      /options\.credentialsTtlMs must be a whole number from 36000 to 2592000000/,
    ],
    [{ retryInitialMs: '10s' }, /options\.retryInitialMs must be a whole number/],
  ])('fails a fresh start with options %j at once, naming the field', async (options, message) => {
    const alias = `bad-options-${Math.random().toString(36).slice(2, 8)}`;
    const handle = await h.startRaw(`container/${alias}`, { alias, exact: { host: 'simulator' }, options });
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('BadContainerInputError');
    expect(failure.message).toMatch(message);
    // Failed in its first workflow task: no timer, no activity but the worker's answer.
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.activityTaskScheduledEventAttributes)).toBe(false);
    expect(history.events?.some((e) => e.timerStartedEventAttributes)).toBe(false);
  });

  it('fails a fresh start with the wrong shape at once, and the worker carries on', async () => {
    for (const input of [
      null,
      'acme',
      { alias: 'shape', exact: { host: 42 } },
      { alias: 'x', exact: { host: 'nl' } },
    ]) {
      const handle = await h.startRaw('container/shape', input);
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('BadContainerInputError');
    }
    const user = h.newUser();
    const handle = await h.startContainer('after-bad-input');
    const status = await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    expect(status.status).toBe('healthy');
    await handle.terminate('test done');
  });
});
