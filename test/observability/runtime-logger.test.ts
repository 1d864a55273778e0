import { ApplicationFailure } from '@temporalio/common';
import { LogTimestamp } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { createTemporalLogger } from '../../src/observability/runtime-logger';
import { captureLog } from './capture-log';

const REFRESH_TOKEN = 'Rt-gAAAAABm1234567890refresh';
const ACCESS_TOKEN = 'At-eyJhbGciOiJSUzI1NiIsInR5cCI6';
const PASSWORD = 'correct-horse-battery-staple';

describe('Temporal runtime logger', () => {
  it('writes SDK log calls as chainkeeper JSON lines with level, message and metadata', () => {
    const capture = captureLog();
    const logger = createTemporalLogger(capture.log);

    logger.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING', taskQueue: 'chainkeeper' });
    logger.log('WARN', 'Activity failed', { sdkComponent: 'activity', attempt: 2 });

    expect(capture.lines).toMatchObject([
      { level: 30, msg: 'Worker state changed', service: 'chainkeeper', sdkComponent: 'worker', state: 'RUNNING' },
      { level: 40, msg: 'Activity failed', sdkComponent: 'activity', attempt: 2 },
    ]);
  });

  it('redacts refreshToken, accessToken and password fields at any depth', () => {
    const capture = captureLog();
    const logger = createTemporalLogger(capture.log);

    logger.error('refresh failed', {
      refreshToken: REFRESH_TOKEN,
      password: PASSWORD,
      activity: { accessToken: ACCESS_TOKEN },
      workflow: { input: [{ chain: { refreshToken: REFRESH_TOKEN, accessToken: ACCESS_TOKEN } }] },
    });

    const [line] = capture.lines;
    expect(line).toMatchObject({
      refreshToken: '[redacted]',
      password: '[redacted]',
      activity: { accessToken: '[redacted]' },
      workflow: { input: [{ chain: { refreshToken: '[redacted]', accessToken: '[redacted]' } }] },
    });
    const raw = capture.raw.join('');
    for (const secret of [REFRESH_TOKEN, ACCESS_TOKEN, PASSWORD]) expect(raw).not.toContain(secret);
  });

  it('logs errors in the metadata with their type and message instead of an empty object', () => {
    const capture = captureLog();
    const logger = createTemporalLogger(capture.log);
    const failure = ApplicationFailure.create({ type: 'ChainBrokenError', message: 'old refresh token used' });

    logger.warn('Activity task failed', { error: failure });

    expect(capture.lines[0]).toMatchObject({
      error: { name: 'ApplicationFailure', type: 'ChainBrokenError', message: 'old refresh token used' },
    });
  });

  it("honours the pino logger's level and drops the SDK's symbol-keyed timestamp", () => {
    const capture = captureLog('info');
    const logger = createTemporalLogger(capture.log);

    logger.debug('Workflow activation', { runId: 'r1' });
    logger.trace('Poll', {});
    logger.info('Started', { [LogTimestamp]: 123n, runId: 'r1' });

    expect(capture.lines).toHaveLength(1);
    expect(capture.lines[0]).toMatchObject({ msg: 'Started', runId: 'r1' });
  });

  it('survives circular metadata', () => {
    const capture = captureLog();
    const logger = createTemporalLogger(capture.log);
    const meta: Record<string, unknown> = { alias: 'acme' };
    meta.self = meta;

    logger.info('circular', meta);

    expect(capture.lines[0]).toMatchObject({ alias: 'acme', self: '[circular]' });
  });
});
