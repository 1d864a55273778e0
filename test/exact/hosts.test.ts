import { describe, expect, it } from 'vitest';
import { buildAuthorizationUrl, EXACT_PATHS, ExactSettingsError, resolveBaseUrl } from '../../src/exact';

describe('resolveBaseUrl', () => {
  it.each([
    ['nl', 'https://start.exactonline.nl'],
    ['be', 'https://start.exactonline.be'],
    ['de', 'https://start.exactonline.de'],
    ['uk', 'https://start.exactonline.co.uk'],
    ['com', 'https://start.exactonline.com'],
    ['us', 'https://start.exactonline.com'],
    ['fr', 'https://start.exactonline.fr'],
    ['es', 'https://start.exactonline.es'],
    [' UK ', 'https://start.exactonline.co.uk'],
  ])('maps country %j to %s', (country, url) => {
    expect(resolveBaseUrl({ country })).toBe(url);
  });

  it('rejects an unknown country and lists the valid ones', () => {
    expect(() => resolveBaseUrl({ country: 'xx' })).toThrow(ExactSettingsError);
    expect(() => resolveBaseUrl({ country: 'xx' })).toThrow('use one of nl, be, de, uk, com, us, fr, es');
    expect(() => resolveBaseUrl({ country: 'toString' })).toThrow(ExactSettingsError);
  });

  it('accepts an http(s) base URL and drops the trailing slash', () => {
    expect(resolveBaseUrl({ baseUrl: 'http://127.0.0.1:8080/' })).toBe('http://127.0.0.1:8080');
    expect(resolveBaseUrl({ baseUrl: 'https://exact.example/prefix/' })).toBe('https://exact.example/prefix');
  });

  it('rejects a base URL with a query, a fragment, another scheme, or nonsense', () => {
    expect(() => resolveBaseUrl({ baseUrl: 'https://start.exactonline.nl/?x=1' })).toThrow('query');
    expect(() => resolveBaseUrl({ baseUrl: 'https://start.exactonline.nl/#top' })).toThrow('fragment');
    expect(() => resolveBaseUrl({ baseUrl: 'ftp://start.exactonline.nl' })).toThrow('https://');
    expect(() => resolveBaseUrl({ baseUrl: 'start exactonline' })).toThrow('not a valid URL');
  });

  it('rejects credentials in the base URL without repeating them', () => {
    const error = (() => {
      try {
        resolveBaseUrl({ baseUrl: 'https://admin:Hunter2secret@start.exactonline.nl' });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(ExactSettingsError);
    expect(error.message).not.toContain('Hunter2secret');
  });

  it('wants exactly one of country and base URL', () => {
    expect(() => resolveBaseUrl({})).toThrow('give an Exact Online country');
    expect(() => resolveBaseUrl({ country: 'nl', baseUrl: 'https://x.example' })).toThrow('not both');
  });
});

describe('buildAuthorizationUrl', () => {
  it('builds the auth URL with the parameters picqer sends', () => {
    const url = new URL(
      buildAuthorizationUrl({
        baseUrl: 'https://start.exactonline.nl',
        clientId: '3a5b7c9d-0000-4000-8000-000000000001',
        redirectUri: 'https://keeper.example/callback?x=1',
        state: 's-1',
        forceLogin: true,
      }),
    );
    expect(url.origin + url.pathname).toBe(`https://start.exactonline.nl${EXACT_PATHS.authorize}`);
    expect([...url.searchParams]).toEqual([
      ['client_id', '3a5b7c9d-0000-4000-8000-000000000001'],
      ['redirect_uri', 'https://keeper.example/callback?x=1'],
      ['response_type', 'code'],
      ['state', 's-1'],
      ['force_login', '1'],
    ]);
  });

  it('sends force_login=0 by default', () => {
    const url = buildAuthorizationUrl({ baseUrl: 'http://127.0.0.1:1', clientId: 'c', redirectUri: 'r', state: 's' });
    expect(new URL(url).searchParams.get('force_login')).toBe('0');
  });
});
