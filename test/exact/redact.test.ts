import { describe, expect, it } from 'vitest';
import { redactSecrets, withoutKnownSecrets } from '../../src/exact/redact';
import { SECRETS } from './secrets';

describe('redactSecrets', () => {
  it('removes token-shaped runs but keeps words, dates and all-caps error codes', () => {
    const text = `Token ${SECRETS.refreshToken} expired at 10/11/2022 9:18:20 PM (UND_ERR_HEADERS_TIMEOUT)`;
    expect(redactSecrets(text)).toBe('Token [redacted] expired at 10/11/2022 9:18:20 PM (UND_ERR_HEADERS_TIMEOUT)');
    expect(redactSecrets(`code=${SECRETS.code}`)).not.toContain(SECRETS.code.slice(0, 20));
  });

  it('caps the text', () => {
    expect(redactSecrets('word '.repeat(100), 50)).toHaveLength(50);
  });
});

describe('withoutKnownSecrets', () => {
  it('removes a short secret and its URL-encoded form', () => {
    expect(withoutKnownSecrets('secret Xy7k!abc and Xy7k%21abc', ['Xy7k!abc'])).toBe(
      'secret [redacted] and [redacted]',
    );
  });
});
