import { describe, expect, it } from 'vitest';
import { loadEnv, ConfigError } from '../../src/config/env';
import { createConsumerDirectory } from '../../src/proxy/auth';
import { ConsumerTokensError, parseConsumerTokens } from '../../src/proxy/consumer-tokens';
import { ProxyError } from '../../src/proxy/errors';
import { routeOf } from '../../src/proxy/router';

const TOKEN_A = 'a'.repeat(32);
const TOKEN_B = 'b0123456789b0123456789b0123456789';

describe('routes', () => {
  it('reads alias, Exact path, division and endpoint', () => {
    expect(routeOf('/acme/api/v1/current/Me?$select=UserID')).toEqual({
      alias: 'acme',
      exactPath: '/api/v1/current/Me?$select=UserID',
      division: undefined,
      endpoint: 'current/me',
    });
    expect(routeOf("/acme/api/v1/4711/crm/Accounts(guid'6f0b')/Contacts?$top=1")).toMatchObject({
      division: '4711',
      endpoint: 'crm/accounts',
      exactPath: "/api/v1/4711/crm/Accounts(guid'6f0b')/Contacts?$top=1",
    });
    expect(routeOf('/acme/api/v1/4711/bulk/Financial/TransactionLines').endpoint).toBe(
      'bulk/financial/transactionlines',
    );
    expect(routeOf('/acme/api/v1/4711/crm/Acc%20ounts').endpoint).toBe('other');
  });

  it('refuses paths Exact might read as another resource', () => {
    for (const path of [
      '/acme/api/v1/../oauth2/token',
      '/acme/api/v1/current/%2e%2e/Me',
      '/acme/api/v1/current%2fMe/x',
      '/acme/api/v1//current/Me',
      '/acme/api/v1/current\\Me/x',
      '/acme/api/oauth2/token',
      '/acme/api/v1/current',
      '/-acme/api/v1/current/Me',
      'acme/api/v1/current/Me',
    ]) {
      expect(() => routeOf(path), path).toThrow(ProxyError);
    }
  });
});

describe('consumer tokens', () => {
  it('reads names, tokens and aliases from commas or lines, skipping comments', () => {
    const entries = parseConsumerTokens(`# reporting\nreports:${TOKEN_A}\n\nbilling:${TOKEN_B}:acme|globex`);
    expect(entries).toEqual([
      { name: 'reports', token: TOKEN_A, aliases: 'all' },
      { name: 'billing', token: TOKEN_B, aliases: new Set(['acme', 'globex']) },
    ]);
    expect(parseConsumerTokens(`a:${TOKEN_A}:*,b:${TOKEN_B}`).map((e) => e.aliases)).toEqual(['all', 'all']);
  });

  it('names every mistake by entry, never by its token', () => {
    let problems: string[] = [];
    try {
      parseConsumerTokens(`reports:short-secret-1,x:${TOKEN_A}:acme|no pe,reports:${TOKEN_B},dup:${TOKEN_B},bare`);
    } catch (error) {
      if (!(error instanceof ConsumerTokensError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^entry 1 \("reports"\): the token must be at least 32/),
      expect.stringMatching(/^entry 2 \("x"\): aliases are separated by "\|"/),
      expect.stringMatching(/^entry 4 \("dup"\): has the same token as "reports"/),
      expect.stringMatching(/^entry 5 \("bare"\): write name:token/),
    ]);
    expect(problems.join('\n')).not.toContain('short-secret-1');
    expect(problems.join('\n')).not.toContain(TOKEN_B);
  });

  it('is checked with the rest of the configuration, without echoing a token', () => {
    expect(loadEnv({ CHAINKEEPER_PROXY_TOKENS: `reports:${TOKEN_A}` })).toMatchObject({
      CHAINKEEPER_PROXY_PORT: 8890,
      CHAINKEEPER_PROXY_HOST: '127.0.0.1',
    });
    try {
      loadEnv({ CHAINKEEPER_PROXY_TOKENS: 'reports:tiny-secret', CHAINKEEPER_PROXY_MAX_BYTES: '10' });
      expect.unreachable();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const text = error.problems.join('\n');
      expect(text).toMatch(/CHAINKEEPER_PROXY_TOKENS: entry 1 \("reports"\): the token must be at least 32/);
      expect(text).toMatch(/CHAINKEEPER_PROXY_MAX_BYTES: must be at least 1024 bytes/);
      expect(text).not.toContain('tiny-secret');
    }
  });

  it('recognises consumers by token and keeps them to their aliases', () => {
    const directory = createConsumerDirectory(parseConsumerTokens(`a:${TOKEN_A},b:${TOKEN_B}:acme`));
    expect(directory.authenticate(`Bearer ${TOKEN_B}`).name).toBe('b');
    expect(() => directory.authenticate(`Bearer ${TOKEN_B.slice(1)}`)).toThrow(/not known/);
    expect(() => directory.authenticate(`Basic ${TOKEN_A}`)).toThrow(/Authorization: Bearer/);
    const b = directory.authenticate(`bearer ${TOKEN_B}`);
    expect(() => directory.checkAlias(b, 'acme')).not.toThrow();
    expect(() => directory.checkAlias(b, 'globex')).toThrow(/may not use container "globex"/);
  });
});
