import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/alias';
import { explainError } from '../../src/cli/commands/explain-error';
import { relativeTime, statusSummary } from '../../src/cli/commands/status-summary';
import { ConfigError } from '../../src/config/env';
import type { ContainerStatus } from '../../contract/container';

describe('explainError', () => {
  it('turns a multi-line configuration error into one line naming every variable, exit 1', () => {
    const error = new ConfigError(['TEMPORAL_ADDRESS: must be host:port', 'LOG_LEVEL: Invalid option']);
    expect(explainError(error)).toEqual({
      message:
        'configuration is invalid: TEMPORAL_ADDRESS: must be host:port; LOG_LEVEL: Invalid option. Fix these environment variables.',
      exitCode: 1,
    });
  });

  it('names the alias of a container that does not run', () => {
    const { message } = explainError(new WorkflowNotFoundError('not found', 'container/acme', undefined));
    expect(message).toBe(
      'no container "acme" is running: check the alias with `chainkeeper list`, or enroll it first.',
    );
  });

  it("passes on the container's reason for refusing an update", () => {
    const cause = ApplicationFailure.create({ message: 'enrollCredentials refused: sealed to another key.' });
    const { message } = explainError(new WorkflowUpdateFailedError('Workflow Update failed', cause));
    expect(message).toBe('the container refused the request: enrollCredentials refused: sealed to another key.');
  });

  it('gives a usage mistake exit code 2', () => {
    expect(explainError(new UsageError('--status must be one of …')).exitCode).toBe(2);
  });

  it('says a cancelled prompt sent nothing', () => {
    const cancelled = Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
    expect(explainError(cancelled)).toEqual({ message: 'cancelled; nothing was sent.', exitCode: 1 });
  });
});

describe('statusSummary', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  const base: ContainerStatus = {
    alias: 'acme',
    status: 'retrying',
    chain: 2,
    generation: 41,
    lastRefreshAt: '2026-03-02T09:55:00.000Z',
    nextRefreshAt: '2026-03-02T10:00:40.000Z',
    accessTokenExpiresAt: '2026-03-02T10:05:00.000Z',
    lastError: {
      type: 'TransientExactError',
      message: 'Exact answered 503',
      atMs: now - 20_000,
      at: '2026-03-02T09:59:40.000Z',
    },
    credentials: { expiresAt: '2026-03-20T10:00:00.000Z', rejected: true },
    retryAttempt: 2,
    tokenCallsToday: 1,
    refreshes: 40,
    failures: 2,
    runs: 1,
  };

  it('shows timings relative to now, the retry, the last error and whether Exact rejected the credentials', () => {
    expect(statusSummary(base, now)).toBe(
      [
        'acme: retrying',
        '  chain        2, generation 41',
        '  last refresh 2026-03-02T09:55:00.000Z (5 min ago)',
        '  next refresh 2026-03-02T10:00:40.000Z (in 40 s)',
        '  access token valid until 2026-03-02T10:05:00.000Z (in 5 min)',
        '  credentials  stored until 2026-03-20T10:00:00.000Z (in 18 days); ON HOLD (Exact rejected them): enter them again, or `chainkeeper recover` for one more try',
        '  retrying     attempt 2',
        '  last error   TransientExactError 2026-03-02T09:59:40.000Z (20 s ago): Exact answered 503',
        '  counters     40 refreshes, 2 failures, 1 token call today, 1 run',
      ].join('\n'),
    );
  });

  it("puts the container's reason first when it needs a human", () => {
    const summary = statusSummary(
      { ...base, status: 'needs-reauth', reauthReason: 'authorize again', credentials: undefined, retryAttempt: 0 },
      now,
    );
    expect(summary.split('\n').slice(0, 2)).toEqual(['acme: needs-reauth', '  needs        authorize again']);
    expect(summary).toContain('  credentials  none (auto-recovery is off)');
  });

  it('rounds to the largest unit that fits', () => {
    expect(relativeTime('2026-03-02T13:00:00Z', now)).toBe('in 3 h');
    expect(relativeTime('2026-02-27T10:00:00Z', now)).toBe('3 days ago');
  });
});
