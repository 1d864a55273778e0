import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from '../../contract/container';
import { renderDetails } from '../../workflows/container/details';
import { validateRenewInput } from '../../workflows/container/renew-input';

const status: ContainerStatus = {
  alias: 'acme',
  status: 'healthy',
  chain: 2,
  generation: 14,
  lastRefreshAt: '2026-03-02T10:00:00.000Z',
  nextRefreshAt: '2026-03-02T10:09:32.000Z',
  retryAttempt: 0,
  tokenCallsToday: 7,
  refreshes: 14,
  failures: 1,
  runs: 1,
  exactUser: { userId: 'u-1', userName: 'jan@acme.nl', division: 123 },
};

describe('renderDetails (the Web UI current details)', () => {
  it('says what to do first, then the facts as a table', () => {
    const details = renderDetails(status);
    expect(details.split('\n')[0]).toBe('**Healthy: next refresh 2026-03-02T10:09:32.000Z. Nothing to do.**');
    expect(details).toContain('| Chain / generation | 2 / 14 |');
    expect(details).toContain('| Exact user | jan@acme.nl, division 123 |');
    expect(details).toContain('| Refreshes / failures / runs | 14 / 1 / 1 |');
    // Empty facts are left out.
    expect(details).not.toContain('Retry attempt');
    expect(details).not.toContain('Last error');
  });

  it('names the reason a human is needed, the hold on credentials, and escapes table pipes', () => {
    const details = renderDetails({
      ...status,
      status: 'needs-reauth',
      reauthReason: 'the chain is broken | authorize again',
      lastError: { type: 'ChainBrokenError', message: 'old | token', atMs: 0, at: '2026-03-02T10:00:00.000Z' },
      credentials: { expiresAt: '2026-04-01T00:00:00.000Z', rejected: true, suspect: 'the password step was refused' },
    });
    expect(details.split('\n')[0]).toBe('**Needs you: the chain is broken | authorize again**');
    expect(details).toContain('| Last error | ChainBrokenError at 2026-03-02T10:00:00.000Z: old \\| token |');
    expect(details).toContain('on hold: the password step was refused');
  });
});

describe('validateRenewInput', () => {
  const sealed = { sealedRefreshToken: 'A'.repeat(100), keyId: '0123456789abcdef' };

  it('accepts an authorization code or a sealed refresh token', () => {
    expect(() => validateRenewInput({ code: 'x'.repeat(40) })).not.toThrow();
    expect(() => validateRenewInput({ code: `  ${'x'.repeat(40)}\n` })).not.toThrow();
    expect(() => validateRenewInput(sealed)).not.toThrow();
  });

  it.each([
    [null, /needs a JSON object/],
    [{ refreshToken: 'x'.repeat(40) }, /refuses a refresh token in plaintext/],
    [{ code: 'x'.repeat(40), note: 'hi' }, /unknown field\(s\) "note"/],
    [{ code: 'short' }, /has 5 characters/],
    [{ code: `${'x'.repeat(20)} ${'x'.repeat(20)}` }, /white space/],
    [{ code: 'x'.repeat(40), ...sealed }, /not both/],
    [{ sealedRefreshToken: 'A'.repeat(100) }, /together with keyId/],
    [{ ...sealed, sealedRefreshToken: '!'.repeat(100) }, /not a sealed box/],
    [{ ...sealed, keyId: 'key-1' }, /16-hex-digit key id/],
  ])('refuses %j, saying what to send', (input, message) => {
    expect(() => validateRenewInput(input)).toThrow(message);
  });

  it('never repeats the value it refuses', () => {
    const secret = 'secret-refresh-token-value-1234567890';
    for (const input of [{ refreshToken: secret }, { code: `${secret} ${secret}` }, { token: secret }]) {
      const refusal = (() => {
        try {
          validateRenewInput(input);
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(refusal).toBeDefined();
      expect(refusal).not.toContain(secret);
    }
  });
});
