import { describe, expect, it } from 'vitest';
import { InvalidTokenRequestError, NoAccessTokenError } from '../../src/consumers';
import { consumerKeys, FakeSource, S, settle } from './fake-token-source';

describe('the consumer token provider', () => {
  it('serves a cached token from memory until it expires minus the margin', async () => {
    const fake = new FakeSource();
    const provider = fake.provider({ minValidityS: 60, refreshAheadS: 0 });
    const first = provider.get('acme');
    await settle();
    expect(fake.asks).toHaveLength(1);
    expect(fake.asks[0]!.options).toMatchObject({ minValidityS: 60, consumerKeys });
    const token = fake.answer();
    expect((await first).accessToken).toBe(token.accessToken);

    fake.nowMs += 500 * S; // 100 s left: still above the 60 s margin
    expect(await provider.get('acme')).toMatchObject({ accessToken: token.accessToken, validForS: 100 });
    expect(fake.asks).toHaveLength(0);

    fake.nowMs += 41 * S; // 59 s left: expired for this consumer
    const next = provider.get('acme');
    await settle();
    expect(fake.asks).toHaveLength(1);
    const second = fake.answer();
    expect((await next).accessToken).toBe(second.accessToken);
  });

  it('lets concurrent callers of one alias share one query, and keeps aliases apart', async () => {
    const fake = new FakeSource();
    const provider = fake.provider();
    const callers = Array.from({ length: 50 }, () => provider.get('acme'));
    const other = provider.get('globex');
    await settle();
    expect(fake.asks.map((ask) => ask.alias)).toEqual(['acme', 'globex']);
    const acme = fake.answer();
    fake.answer();
    const tokens = new Set((await Promise.all(callers)).map((token) => token.accessToken));
    expect([...tokens]).toEqual([acme.accessToken]);
    expect((await other).accessToken).toMatch(/^token-globex-/);
  });

  it('fetches the next token in the background while still serving the valid one', async () => {
    const fake = new FakeSource();
    const provider = fake.provider({ minValidityS: 10, refreshAheadS: 30 });
    const first = provider.get('acme');
    await settle();
    const old = fake.answer();
    await first;

    fake.nowMs += 565 * S; // 35 s left: inside the refresh-ahead window (10 + 30)
    expect((await provider.get('acme')).accessToken).toBe(old.accessToken);
    await settle();
    expect(fake.asks).toHaveLength(1);
    // Asks for more validity than the cached token has, so the container rotates instead of answering it again.
    expect(fake.asks[0]!.options.minValidityS).toBe(36);
    // Callers meanwhile get the old token at once, and no second query starts.
    expect((await provider.get('acme')).accessToken).toBe(old.accessToken);
    expect(fake.asks).toHaveLength(1);

    fake.nowMs += 5 * S;
    const next = fake.answer();
    await settle();
    expect((await provider.get('acme')).accessToken).toBe(next.accessToken);
  });

  it('never caches an error: the next caller asks again', async () => {
    const fake = new FakeSource();
    const provider = fake.provider();
    const failing = provider.get('acme');
    await settle();
    fake.asks.shift()!.reject(new NoAccessTokenError('acme', 'needs-reauth', 'the chain broke'));
    await expect(failing).rejects.toBeInstanceOf(NoAccessTokenError);

    const retried = provider.get('acme');
    await settle();
    expect(fake.asks).toHaveLength(1);
    const token = fake.answer();
    expect((await retried).accessToken).toBe(token.accessToken);
  });

  it('keeps serving the cached token when a background fetch fails, and tries again later', async () => {
    const fake = new FakeSource();
    const provider = fake.provider({ minValidityS: 10, refreshAheadS: 30 });
    const first = provider.get('acme');
    await settle();
    const old = fake.answer();
    await first;
    fake.nowMs += 570 * S;
    await provider.get('acme');
    await settle();
    fake.asks.shift()!.reject(new Error('Temporal is away'));
    await settle();
    expect((await provider.get('acme')).accessToken).toBe(old.accessToken);
    await settle();
    expect(fake.asks).toHaveLength(0); // within the pause after a failure
    fake.nowMs += 6 * S;
    await provider.get('acme');
    await settle();
    expect(fake.asks).toHaveLength(1);
  });

  it('forgets a token Exact refused, and only that one', async () => {
    const fake = new FakeSource();
    const provider = fake.provider();
    const first = provider.get('acme');
    await settle();
    const token = fake.answer();
    await first;
    provider.invalidate('acme', 'some-other-token');
    expect((await provider.get('acme')).accessToken).toBe(token.accessToken);
    provider.invalidate('acme', token.accessToken);
    const again = provider.get('acme');
    await settle();
    expect(fake.asks).toHaveLength(1);
    fake.answer();
    expect((await again).accessToken).not.toBe(token.accessToken);
  });

  it('refuses a margin no token can meet', () => {
    const fake = new FakeSource();
    expect(() => fake.provider({ minValidityS: 600 })).toThrow(InvalidTokenRequestError);
    expect(() => fake.provider({ refreshAheadS: -1 })).toThrow(/refresh-ahead time must be between 0 and 600/);
  });
});
