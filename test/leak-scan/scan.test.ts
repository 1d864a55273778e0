import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/leak-scan/scan';

const secrets = [
  { label: 'password', value: 'correct-horse-battery' },
  { label: 'refresh token', value: 'yIA2!IAAAABCDEFGHIJKLMNOP' },
];

describe('the leak scan', () => {
  it('finds a secret in plain text and names it by label only', () => {
    const hits = scanText('log: password=correct-horse-battery', 'app.log', secrets);
    expect(hits).toEqual([{ secret: 'password', source: 'app.log', encoding: 'plain' }]);
  });

  it('finds a secret inside a base64 payload of a history export', () => {
    const data = Buffer.from(JSON.stringify({ refreshToken: secrets[1]!.value })).toString('base64');
    const hits = scanText(JSON.stringify({ payloads: [{ data }] }), 'history', secrets);
    expect(hits).toEqual([{ secret: 'refresh token', source: 'history', encoding: 'base64' }]);
  });

  it('finds nothing in an encrypted payload', () => {
    const data = Buffer.from('0123456789abcdef0123456789abcdef', 'hex').toString('base64');
    expect(scanText(JSON.stringify({ payloads: [{ data }] }), 'history', secrets)).toEqual([]);
  });

  it('refuses secrets too short to scan for', () => {
    expect(() => scanText('x', 'y', [{ label: 'pin', value: '1234' }])).toThrow(/too short/);
  });
});
