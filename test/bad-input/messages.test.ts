import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enrollCredentialsUpdate,
  forgetCredentialsUpdate,
  refreshNowSignal,
  renewAuthorizationUpdate,
  statusQuery,
} from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const { EventType } = proto.temporal.api.enums.v1;
const MINUTE_MS = 60 * 1000;
const HUGE = 'A'.repeat(200_000);

/** Update inputs an admin could type into the Web UI by mistake: each must be refused with a clear message. */
const BAD_RENEWALS: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  ['an array', [{ code: 'x'.repeat(40) }]],
  ['an empty object', {}],
  ['an unknown field', { token: 'x'.repeat(40) }],
  ['an extra field', { code: 'x'.repeat(40), note: 'hi' }],
  ['a number as code', { code: 1234567890123456 }],
  ['a refresh token in plaintext', { refreshToken: 'x'.repeat(40) }],
  ['a huge refresh token', { refreshToken: HUGE }],
  ['a huge sealed refresh token', { sealedRefreshToken: HUGE, keyId: '0123456789abcdef' }],
  ['a sealed refresh token that is not base64', { sealedRefreshToken: '!'.repeat(100), keyId: '0123456789abcdef' }],
  ['a sealed refresh token without key id', { sealedRefreshToken: 'A'.repeat(100) }],
  ['a sealed refresh token with a bad key id', { sealedRefreshToken: 'A'.repeat(100), keyId: 'key-1' }],
];

const BAD_CREDENTIALS: [string, unknown][] = [
  ['plaintext credentials', { username: 'someone', password: 'hunter2hunter2', totpSecret: 'JBSWY3DPEHPK3PXP' }],
  ['a string', 'sealed'],
  ['a huge box', { sealedBox: HUGE, keyId: '0123456789abcdef' }],
  ['a key id of the wrong shape', { sealedBox: 'A'.repeat(100), keyId: 'key-1' }],
  ['a missing key id', { sealedBox: 'A'.repeat(100) }],
];

describe('bad messages never fail a container or lose its chain (time-skipping)', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses every malformed update with a message that says what to send, and carries on', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('bad-updates');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const before = await handle.query(statusQuery);

    const refused = async (
      update: typeof renewAuthorizationUpdate | typeof enrollCredentialsUpdate,
      input: unknown,
    ) => {
      const error = await handle
        .executeUpdate(update as typeof renewAuthorizationUpdate, { args: [input as never] })
        .then(
          () => undefined,
          (err: unknown) => err as Error & { cause?: Error },
        );
      expect(error, JSON.stringify(input)?.slice(0, 80)).toBeDefined();
      return String(error?.cause?.message ?? error?.message);
    };
    for (const [what, input] of BAD_RENEWALS) {
      const message = await refused(renewAuthorizationUpdate, input);
      expect(message, what).toMatch(/renewAuthorization/);
      expect(message.length, what).toBeLessThan(400);
    }
    for (const [what, input] of BAD_CREDENTIALS) {
      const message = await refused(enrollCredentialsUpdate, input);
      expect(message, what).toMatch(/enrollCredentials/);
      expect(message, what).not.toContain('hunter2hunter2');
    }
    // forgetCredentials with nothing stored is not an error: it is already forgotten.
    await expect(handle.executeUpdate(forgetCredentialsUpdate)).resolves.toMatchObject({ alias: 'bad-updates' });

    await h.env.sleep(25 * MINUTE_MS);
    const after = await handle.query(statusQuery);
    expect(after).toMatchObject({ status: 'healthy', chain: before.chain });
    expect(after.generation).toBeGreaterThan(before.generation!);
    const history = await handle.fetchHistory();
    const failedTasks = history.events?.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(failedTasks).toEqual([]);
    await handle.terminate('test finished');
  });

  it('ignores signals with unexpected arguments instead of failing', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('bad-signals');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    const raw = h.env.client.workflow.getHandle(handle.workflowId);
    await raw.signal('refreshNow', { unexpected: true });
    await raw.signal('pause', { reason: HUGE });
    await raw.signal('resume', 1, 2, 3);
    await raw.signal('pause', HUGE);
    await raw.signal('resume');
    await raw.signal('noSuchSignal', 'x');
    await raw.signal(refreshNowSignal);
    await h.env.sleep(25 * MINUTE_MS);

    const status = await handle.query(statusQuery);
    expect(status.status).toBe('healthy');
    expect(status.refreshes).toBeGreaterThanOrEqual(2);
    const audit = await h.vault.listAudit('bad-signals');
    // Both pauses are recorded (at the same instant, so in either order): the one with an object for a reason
    // without it, the huge one cut to 200 characters.
    const details = audit.filter((e) => e.kind === 'paused').map((e) => e.detail ?? '(none)');
    expect(details.sort()).toEqual(['(none)', 'A'.repeat(200)]);
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)).toBe(false);
    await handle.terminate('test finished');
  });

  it('treats garbage answers from Exact (HTML, truncated JSON, empty body) as transient and keeps the chain', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('garbage-answers');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    for (const kind of ['html', 'truncated', 'empty'] as const)
      h.sim.control.addFault({ route: 'token', kind, count: 1 });
    await h.env.sleep(40 * MINUTE_MS);

    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ status: 'healthy', chain: 1 });
    // Each garbage answer may hide a rotation: the retry reads the journal and waits out the rule (our own
    // too-early refusal, no call to Exact), so the count includes those waits.
    expect(status.failures).toBeGreaterThanOrEqual(3);
    expect(['TransientExactError', 'TooEarlyError']).toContain(status.lastError?.type);
    expect(h.sim.control.counters().oldRefreshTokenPresented).toBe(0);
  });
});
