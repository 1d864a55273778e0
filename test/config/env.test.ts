import { describe, expect, it } from 'vitest';
import { appsFromEnv, codecOidcFromEnv, ConfigError, consumerKeyPath, loadEnv } from '../../src/config/env';

function problems(env: Record<string, string>): string[] {
  try {
    loadEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration from the environment', () => {
  it('runs on embedded defaults with nothing set', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'chainkeeper', LOG_LEVEL: 'info' });
    expect(env.CHAINKEEPER_STORE_URL).toMatch(/^sqlite:.*data\/chainkeeper\.db$/);
    expect(appsFromEnv(env)).toEqual({});
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['an address without a port', { TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS: must be host:port/],
    ['a time scale of zero', { CHAINKEEPER_TIME_SCALE: '0' }, /CHAINKEEPER_TIME_SCALE: must be above 0/],
    ['a time scale above real time', { CHAINKEEPER_TIME_SCALE: '2' }, /CHAINKEEPER_TIME_SCALE: must be at most 1/],
    ['a time scale that is no number', { CHAINKEEPER_TIME_SCALE: 'fast' }, /CHAINKEEPER_TIME_SCALE/],
    ['a port out of range', { CHAINKEEPER_CODEC_PORT: '70000' }, /CHAINKEEPER_CODEC_PORT: must be a TCP port/],
    ['a fractional port', { CHAINKEEPER_METRICS_PORT: '80.5' }, /CHAINKEEPER_METRICS_PORT: must be a whole number/],
    ['an unknown log level', { LOG_LEVEL: 'verbose' }, /LOG_LEVEL/],
    ['TLS spelled oddly', { TEMPORAL_TLS: 'maybe' }, /TEMPORAL_TLS/],
    [
      'half an Exact app',
      { EXACT_CLIENT_ID: 'abc' },
      /set EXACT_CLIENT_ID, EXACT_CLIENT_SECRET and EXACT_REDIRECT_URI together/,
    ],
    [
      'a redirect URI that is no URL',
      { EXACT_REDIRECT_URI: 'callback' },
      /EXACT_REDIRECT_URI: must be the redirect URI/,
    ],
    [
      'a webhook without a secret',
      { CHAINKEEPER_WEBHOOK_URL: 'https://hooks.example/x' },
      /CHAINKEEPER_WEBHOOK_SECRET/,
    ],
    [
      'a short webhook secret',
      { CHAINKEEPER_WEBHOOK_URL: 'https://h.example', CHAINKEEPER_WEBHOOK_SECRET: 'short' },
      /at least 16/,
    ],
    ['an HTTP timeout of 5 ms', { EXACT_HTTP_TIMEOUT_MS: '5' }, /EXACT_HTTP_TIMEOUT_MS: must be at least 100 ms/],
    [
      'an HTTP timeout that outlives the refresh activity',
      { EXACT_HTTP_TIMEOUT_MS: '60000' },
      /EXACT_HTTP_TIMEOUT_MS: must be at most 25000 ms: a call to Exact must end inside the 60 s refresh activity/,
    ],
    ['a workflow cache of 1', { CHAINKEEPER_WORKFLOW_CACHE_SIZE: '1' }, /CHAINKEEPER_WORKFLOW_CACHE_SIZE: must be at/],
    [
      'a workflow cache of "lots"',
      { CHAINKEEPER_WORKFLOW_CACHE_SIZE: 'lots' },
      /CHAINKEEPER_WORKFLOW_CACHE_SIZE: .*number/i,
    ],
    [
      'a codec bearer token shorter than 32 characters',
      { CHAINKEEPER_CODEC_TOKEN: 'short-codec-token' },
      /CHAINKEEPER_CODEC_TOKEN: must be at least 32 characters/,
    ],
    [
      'half an OIDC setting of the codec server',
      { CHAINKEEPER_CODEC_OIDC_JWKS_URL: 'https://idp.example/jwks', CHAINKEEPER_CODEC_OIDC_ISSUER: 'https://idp' },
      /set CHAINKEEPER_CODEC_OIDC_JWKS_URL, CHAINKEEPER_CODEC_OIDC_ISSUER and CHAINKEEPER_CODEC_OIDC_AUDIENCE together/,
    ],
    [
      'a JWKS URL that is no URL',
      { CHAINKEEPER_CODEC_OIDC_JWKS_URL: 'idp/jwks' },
      /CHAINKEEPER_CODEC_OIDC_JWKS_URL: must be the http\(s\) URL/,
    ],
  ];
  for (const [what, env, message] of bad) {
    it(`refuses ${what} with a message naming the variable`, () => {
      const found = problems(env);
      expect(found.join('\n')).toMatch(message);
    });
  }

  it('never echoes a codec bearer token it refuses, and takes a long one and a complete OIDC setting', () => {
    expect(problems({ CHAINKEEPER_CODEC_TOKEN: 'short-codec-token' }).join('\n')).not.toContain('short-codec-token');
    const env = loadEnv({
      CHAINKEEPER_CODEC_TOKEN: 'x'.repeat(32),
      CHAINKEEPER_CODEC_OIDC_JWKS_URL: 'https://idp.example/jwks',
      CHAINKEEPER_CODEC_OIDC_ISSUER: 'https://idp.example',
      CHAINKEEPER_CODEC_OIDC_AUDIENCE: 'temporal-ui',
    });
    expect(codecOidcFromEnv(env)).toEqual({
      jwksUrl: 'https://idp.example/jwks',
      issuer: 'https://idp.example',
      audience: 'temporal-ui',
    });
    expect(codecOidcFromEnv(loadEnv({}))).toBeUndefined();
  });

  it('finds the consumer key at CHAINKEEPER_CONSUMER_KEY_PATH, else in the key directory', () => {
    expect(consumerKeyPath(loadEnv({ CHAINKEEPER_KEYS_DIR: '/keys' }))).toBe('/keys');
    expect(consumerKeyPath(loadEnv({ CHAINKEEPER_KEYS_DIR: '/keys', CHAINKEEPER_CONSUMER_KEY_PATH: '/c' }))).toBe('/c');
  });

  it('reports every mistake at once, and never echoes a secret', () => {
    const found = problems({
      TEMPORAL_ADDRESS: 'nope',
      LOG_LEVEL: 'loud',
      EXACT_CLIENT_SECRET: 'super-secret-value-123',
      CHAINKEEPER_WEBHOOK_SECRET: 'tiny',
    });
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(found.join('\n')).not.toContain('super-secret-value-123');
    expect(found.join('\n')).not.toContain('tiny');
  });
});
