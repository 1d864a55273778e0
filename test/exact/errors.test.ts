import { describe, expect, it } from 'vitest';
import { exactFailure } from '../../activities/failures';
import { FAILURE_TYPES } from '../../contract/failures';
import { failureMessage, type ExactFailure } from '../../src/exact';

const failures: [ExactFailure, string][] = [
  [{ kind: 'transient', cause: 'timeout', detail: 'refreshing: Headers Timeout Error' }, FAILURE_TYPES.transient],
  [{ kind: 'rate-limited', scope: 'minutely', retryAfterS: 12, detail: 'HTTP 429' }, FAILURE_TYPES.rateLimited],
  [{ kind: 'too-early', detail: 'HTTP 400 access_denied' }, FAILURE_TYPES.tooEarly],
  [
    { kind: 'chain-broken', chainBreak: 'old-refresh-token', status: 401, detail: 'Old refresh token used.' },
    FAILURE_TYPES.chainBroken,
  ],
  [
    { kind: 'misconfigured', problem: 'redirect-uri', status: 400, detail: 'redirect_uri' },
    FAILURE_TYPES.misconfigured,
  ],
];

describe('an Exact failure as the workflow sees it', () => {
  it.each(failures)('turns a %j outcome into failure type %s with its message', (failure, type) => {
    const thrown = exactFailure(failure, true);
    expect(thrown.type).toBe(type);
    expect(thrown.nonRetryable).toBe(true);
    expect(thrown.message).toBe(failureMessage(failure));
    expect(thrown.message).toContain(failure.detail);
  });

  it('tells the operator how to mend a broken chain', () => {
    expect(failureMessage(failures[3]![0])).toMatch(
      /^The refresh-token chain is broken \(old refresh token used, itgenoda494\): authorize again with renewAuthorization or enter credentials for auto-recovery/,
    );
  });

  it('tells how long to wait when rate limited, and what to do when the key is blocked', () => {
    expect(failureMessage(failures[1]![0])).toContain('wait 12 s');
    const blocked = failureMessage({ kind: 'rate-limited', scope: 'blocked', retryAfterS: 3600, detail: 'HTTP 403' });
    expect(blocked).toContain('blocked this app key');
  });
});
