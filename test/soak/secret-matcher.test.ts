import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scanText, type LabelledSecret, type LeakHit } from '../../src/leak-scan/scan';
import { SecretMatcher } from '../../scripts/soak/secret-matcher';

const secret = (label: string, value: string): LabelledSecret => ({ label, value });
const refreshToken = () => `${randomBytes(3).toString('base64url')}!IAAA${randomBytes(60).toString('base64url')}`;
const accessToken = () => `gAAAA${randomBytes(200).toString('base64url')}`;

describe('the soak leak scan matcher', () => {
  it('finds what scanText finds, plain and inside base64, for many secrets at once', () => {
    const secrets = [
      ...Array.from({ length: 300 }, (_, i) => secret(`refresh ${i}`, refreshToken())),
      ...Array.from({ length: 300 }, (_, i) => secret(`access ${i}`, accessToken())),
      secret('password', 'correct horse battery staple'),
    ];
    const payload = Buffer.from(JSON.stringify({ accessToken: secrets[400]!.value })).toString('base64');
    const text = [
      `{"msg":"refreshed","token":"${secrets[7]!.value}"}`,
      `{"payloads":[{"data":"${payload}"}]}`,
      `password=${secrets[600]!.value} and noise ${randomBytes(5000).toString('base64')}`,
    ].join('\n');

    const byLabel = (a: LeakHit, b: LeakHit) => a.secret.localeCompare(b.secret);
    const hits = new SecretMatcher(secrets).scan(text, 'log').sort(byLabel);

    expect(hits).toEqual(scanText(text, 'log', secrets).sort(byLabel));
    expect(hits.map((hit) => `${hit.secret}/${hit.encoding}`)).toEqual([
      'access 100/base64',
      'password/plain',
      'refresh 7/plain',
    ]);
  });

  it('reports nothing for text that holds no secret, not even near misses', () => {
    const token = accessToken();
    const matcher = new SecretMatcher([secret('access', token)]);
    const nearMiss = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'} ${token.slice(1)}`;
    expect(matcher.scan(nearMiss, 'log')).toEqual([]);
  });

  it('decodes a base64 run cut at the start of a chunk at every byte alignment', () => {
    const token = accessToken();
    const encoded = Buffer.from(`${'x'.repeat(30)}${token}`).toString('base64');
    const matcher = new SecretMatcher([secret('access', token)]);
    for (const cut of [1, 2, 3, 5]) {
      const hits = matcher.scan(encoded.slice(cut), 'chunk 2', true);
      expect(hits.map((hit) => hit.encoding)).toEqual(['base64']);
    }
  });

  it('refuses a secret too short to search for, naming it but not its value', () => {
    expect(() => new SecretMatcher([secret('TOTP code', '123456')])).toThrow(/"TOTP code" is too short/);
  });
});
