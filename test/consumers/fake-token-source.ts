import type { Client } from '@temporalio/client';
import {
  createTokenProvider,
  type AccessTokenOptions,
  type FreshAccessToken,
  type TokenProviderOptions,
} from '../../src/consumers';
import type { OrgKeyRing } from '../../src/crypto/keys';

export const T0 = Date.parse('2026-03-02T10:00:00Z');
export const S = 1000;
const client = {} as Client;
export const consumerKeys = { current: { keyId: 'k' }, keys: [] } as unknown as OrgKeyRing;

interface Ask {
  alias: string;
  options: AccessTokenOptions;
  resolve: (token: FreshAccessToken) => void;
  reject: (error: unknown) => void;
}

/** A token source whose answers the test gives by hand, on a fake clock. */
export class FakeSource {
  nowMs = T0;
  asks: Ask[] = [];
  generation = 0;

  readonly source = (alias: string, options: AccessTokenOptions): Promise<FreshAccessToken> =>
    new Promise((resolve, reject) => this.asks.push({ alias, options, resolve, reject }));

  /** Answers the oldest open ask with a new token issued now. */
  answer(): FreshAccessToken {
    const ask = this.asks.shift();
    if (!ask) throw new Error('nobody asked');
    this.generation += 1;
    const token = {
      accessToken: `token-${ask.alias}-${this.generation}`,
      expiresAt: new Date(this.nowMs + 600 * S).toISOString(),
      validForS: 600,
    };
    ask.resolve(token);
    return token;
  }

  provider(options: TokenProviderOptions = {}) {
    return createTokenProvider(client, { source: this.source, now: () => this.nowMs, consumerKeys, ...options });
  }
}

export const settle = () => new Promise((resolve) => setImmediate(resolve));
