import { describe, expect, it } from 'vitest';
import {
  ChainBrokenError,
  errorFromOutcome,
  ExactError,
  MisconfiguredError,
  NON_RETRYABLE_EXACT_ERRORS,
  RateLimitedError,
  TooEarlyError,
  TransientExactError,
  type ExactFailure,
} from '../../src/exact';

const failures: [ExactFailure, new (...args: never[]) => ExactError][] = [
  [{ kind: 'transient', cause: 'timeout', detail: 'refreshing: Headers Timeout Error' }, TransientExactError],
  [{ kind: 'rate-limited', scope: 'minutely', retryAfterS: 12, detail: 'HTTP 429' }, RateLimitedError],
  [{ kind: 'too-early', detail: 'HTTP 400 access_denied' }, TooEarlyError],
  [
    { kind: 'chain-broken', chainBreak: 'old-refresh-token', status: 401, detail: 'Old refresh token used.' },
    ChainBrokenError,
  ],
  [{ kind: 'misconfigured', problem: 'redirect-uri', status: 400, detail: 'redirect_uri' }, MisconfiguredError],
];

describe('errorFromOutcome', () => {
  it.each(failures)('turns a %j outcome into its typed error carrying the outcome', (failure, type) => {
    const error = errorFromOutcome(failure);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(ExactError);
    expect(error.name).toBe(type.name);
    expect(error.kind).toBe(failure.kind);
    expect(error.outcome).toBe(failure);
    expect(error.message).toContain(failure.detail);
  });

  it('tells the operator how to mend a broken chain', () => {
    expect(errorFromOutcome(failures[3]![0]).message).toMatch(
      /^The refresh-token chain is broken \(old refresh token used, itgenoda494\): authorize again with renewAuthorization or enter credentials for auto-recovery/,
    );
  });

  it('tells how long to wait when rate limited, and what to do when the key is blocked', () => {
    expect(errorFromOutcome(failures[1]![0]).message).toContain('wait 12 s');
    const blocked = errorFromOutcome({ kind: 'rate-limited', scope: 'blocked', retryAfterS: 3600, detail: 'HTTP 403' });
    expect(blocked.message).toContain('blocked this app key');
  });

  it('lists exactly the error names a retry policy must not retry', () => {
    expect(NON_RETRYABLE_EXACT_ERRORS).toEqual([
      ChainBrokenError.name,
      MisconfiguredError.name,
      TooEarlyError.name,
      'ExactSettingsError',
    ]);
    expect(NON_RETRYABLE_EXACT_ERRORS).not.toContain(TransientExactError.name);
    expect(NON_RETRYABLE_EXACT_ERRORS).not.toContain(RateLimitedError.name);
  });
});
