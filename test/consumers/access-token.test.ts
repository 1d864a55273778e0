import { QueryNotRegisteredError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import {
  ContainerNotFoundError,
  getAccessToken,
  InvalidTokenRequestError,
  NoAccessTokenError,
  SealedTokenError,
  TokenTimeoutError,
  type AccessTokenOptions,
} from '../../src/consumers';
import { generateConsumerKeyPair, sealAccessToken } from '../../src/crypto/consumer-keys';
import type { OrgKeyRing } from '../../src/crypto/keys';
import type { ChainStatus, ContainerStatus } from '../../contract/container';
import type { AccessTokenAnswer } from '../../contract/sealed';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const S = 1000;
/** Exact's 570 s rule plus the workflow's 2 s margin. */
const NEXT_ALLOWED_S = 572;
/** The consumer's key pair: the container answers tokens sealed to it. */
const consumer = generateConsumerKeyPair();
const consumerKeys: OrgKeyRing = { current: consumer, keys: [consumer] };

/**
 * A container as the consumer sees it through queries and signals, on a fake clock: `refreshNow` yields a new
 * generation 1.5 s after Exact's rule allows it, unless the container is `stuck`.
 */
class FakeContainer {
  nowMs = T0;
  generation = 7;
  issuedAtMs: number | undefined;
  status: ChainStatus = 'healthy';
  reauthReason: string | undefined;
  stuck = false;
  signalsAtMs: number[] = [];
  queries = 0;
  /** Every accessToken answer as it would travel (JSON). */
  answers: string[] = [];
  private refreshAtMs: number | undefined;

  constructor(issuedAgoS: number | undefined) {
    this.issuedAtMs = issuedAgoS === undefined ? undefined : T0 - issuedAgoS * S;
  }

  token(): string {
    return `secret-access-token-gen-${this.generation}`;
  }

  private catchUp(): void {
    if (this.refreshAtMs !== undefined && this.nowMs >= this.refreshAtMs) {
      this.generation += 1;
      this.issuedAtMs = this.refreshAtMs;
      this.refreshAtMs = undefined;
      this.status = 'healthy';
    }
  }

  readonly handle = {
    query: (definition: { name: string }): Promise<unknown> => {
      this.queries += 1;
      this.catchUp();
      if (definition.name === 'status') return Promise.resolve(this.statusAnswer());
      if (this.issuedAtMs === undefined) {
        return Promise.reject(new QueryNotRegisteredError('container acme has no access token', 3));
      }
      const answer: AccessTokenAnswer = {
        sealedAccessToken: sealAccessToken(consumer, this.token()),
        issuedAt: new Date(this.issuedAtMs).toISOString(),
        expiresAt: new Date(this.issuedAtMs + 600 * S).toISOString(),
        chain: 1,
        generation: this.generation,
      };
      this.answers.push(JSON.stringify(answer));
      return Promise.resolve(answer);
    },
    signal: (definition: { name: string }): Promise<void> => {
      expect(definition.name).toBe('refreshNow');
      this.signalsAtMs.push(this.nowMs);
      if (!this.stuck) {
        const allowedAtMs = this.issuedAtMs === undefined ? this.nowMs : this.issuedAtMs + NEXT_ALLOWED_S * S;
        this.refreshAtMs = Math.max(this.nowMs, allowedAtMs) + 1500;
      }
      return Promise.resolve();
    },
  };

  private statusAnswer(): ContainerStatus {
    return {
      alias: 'acme',
      status: this.status,
      chain: 1,
      generation: this.generation,
      reauthReason: this.status === 'needs-reauth' ? this.reauthReason : undefined,
      lastError: this.stuck ? { type: 'TransientExactError', message: 'HTTP 503', atMs: T0, at: '' } : undefined,
      retryAttempt: 0,
      tokenCallsToday: 3,
      refreshes: 6,
      failures: 0,
      runs: 1,
    };
  }

  client(): Client {
    const fake = {
      workflow: {
        getHandle: (workflowId: string) => {
          expect(workflowId).toBe('container/acme');
          return this.handle;
        },
      },
      withDeadline: (_deadline: number, run: () => Promise<unknown>) => run(),
    };
    return fake as unknown as Client;
  }

  options(extra: AccessTokenOptions = {}): AccessTokenOptions {
    return {
      consumerKeys,
      now: () => this.nowMs,
      sleep: (ms) => {
        expect(ms).toBeGreaterThan(0);
        this.nowMs += ms;
        return Promise.resolve();
      },
      ...extra,
    };
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const result = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(result).toBeInstanceOf(Error);
  return result as Error;
}

describe('getAccessToken', () => {
  it('returns the current token at once when it is valid for long enough, without signalling', async () => {
    const container = new FakeContainer(100);
    const token = await getAccessToken(container.client(), 'acme', container.options({ minValidityS: 300 }));
    expect(token).toEqual({
      accessToken: 'secret-access-token-gen-7',
      expiresAt: new Date(T0 + 500 * S).toISOString(),
      validForS: 500,
    });
    expect(container.signalsAtMs).toEqual([]);
  });

  it('opens the sealed answer with the consumer key: the query answer itself never holds the token', async () => {
    const container = new FakeContainer(100);
    const token = await getAccessToken(container.client(), 'acme', container.options());
    expect(token.accessToken).toBe('secret-access-token-gen-7');
    expect(container.answers).toHaveLength(1);
    expect(container.answers[0]).not.toContain('secret-access-token');
  });

  it("refuses, naming the key and never the token, when this consumer holds another consumer's key", async () => {
    const container = new FakeContainer(100);
    const other = generateConsumerKeyPair();
    const error = await failure(
      getAccessToken(
        container.client(),
        'acme',
        container.options({ consumerKeys: { current: other, keys: [other] } }),
      ),
    );
    expect(error).toBeInstanceOf(SealedTokenError);
    expect(error.message).toContain(consumer.keyId);
    expect(error.message).toContain('CHAINKEEPER_CONSUMER_KEY_PATH');
    expect(error.message).not.toContain('secret-access-token');
  });

  it("waits until Exact's 570 s rule (plus 2 s) allows a new token before it signals refreshNow", async () => {
    const container = new FakeContainer(500);
    const token = await getAccessToken(
      container.client(),
      'acme',
      container.options({ minValidityS: 120, timeoutMs: 120_000 }),
    );
    expect(container.signalsAtMs).toEqual([T0 + (NEXT_ALLOWED_S - 500) * S]);
    expect(token.accessToken).toBe('secret-access-token-gen-8');
    expect(token.validForS).toBeGreaterThanOrEqual(120);
    expect(Date.parse(token.expiresAt)).toBe(T0 + (NEXT_ALLOWED_S - 500 + 600) * S + 1500);
  });

  it('signals refreshNow at once when the rule already allows a new token', async () => {
    const container = new FakeContainer(590);
    const token = await getAccessToken(container.client(), 'acme', container.options({ minValidityS: 60 }));
    expect(container.signalsAtMs).toEqual([T0]);
    expect(token.accessToken).toBe('secret-access-token-gen-8');
  });

  it('gives up at once, without signalling, when the next token is allowed only after the timeout', async () => {
    const container = new FakeContainer(100);
    const error = await failure(
      getAccessToken(container.client(), 'acme', container.options({ minValidityS: 570, timeoutMs: 60_000 })),
    );
    expect(error).toBeInstanceOf(TokenTimeoutError);
    expect(error.message).toContain(new Date(T0 + (NEXT_ALLOWED_S - 100) * S).toISOString());
    expect(container.signalsAtMs).toEqual([]);
    expect(container.nowMs).toBe(T0);
  });

  it('times out with the status and last error when the container delivers no new token', async () => {
    const container = new FakeContainer(580);
    container.stuck = true;
    container.status = 'retrying';
    const error = await failure(
      getAccessToken(container.client(), 'acme', container.options({ minValidityS: 60, timeoutMs: 30_000 })),
    );
    expect(error).toBeInstanceOf(TokenTimeoutError);
    expect(error.message).toMatch(/status retrying; last error TransientExactError: HTTP 503/);
    expect(container.signalsAtMs).toEqual([T0]);
    expect(container.nowMs).toBe(T0 + 30_000);
  });

  it("refuses with the container's reason when it needs a new authorization", async () => {
    const container = new FakeContainer(undefined);
    container.status = 'needs-reauth';
    container.reauthReason = 'the refresh-token chain is broken (itgenoda494): authorize again.';
    const error = await failure(getAccessToken(container.client(), 'acme', container.options()));
    expect(error).toBeInstanceOf(NoAccessTokenError);
    expect((error as NoAccessTokenError).status).toBe('needs-reauth');
    expect(error.message).toContain('the refresh-token chain is broken (itgenoda494)');
    expect(container.signalsAtMs).toEqual([]);
  });

  it('refuses without waiting when a paused container holds only a token too old for the caller', async () => {
    const container = new FakeContainer(400);
    container.status = 'paused';
    const error = await failure(getAccessToken(container.client(), 'acme', container.options({ minValidityS: 300 })));
    expect(error).toBeInstanceOf(NoAccessTokenError);
    expect(error.message).toMatch(/paused.*resume/);
    expect(container.signalsAtMs).toEqual([]);
    expect(container.nowMs).toBe(T0);
  });

  it('waits for the first token of a container that is still refreshing', async () => {
    const container = new FakeContainer(undefined);
    container.status = 'refreshing';
    const token = await getAccessToken(container.client(), 'acme', container.options({ minValidityS: 30 }));
    expect(token.accessToken).toBe('secret-access-token-gen-8');
    expect(container.signalsAtMs).toEqual([T0]);
  });

  it.each([-1, 571, Number.NaN])(
    'rejects a minimum validity of %s seconds before asking the container',
    async (min) => {
      const container = new FakeContainer(100);
      const error = await failure(getAccessToken(container.client(), 'acme', container.options({ minValidityS: min })));
      expect(error).toBeInstanceOf(InvalidTokenRequestError);
      expect(error.message).toContain('between 0 and 570 seconds');
      expect(container.queries).toBe(0);
    },
  );

  it('says which alias is unknown when no such container runs', async () => {
    const fake = {
      workflow: {
        getHandle: () => ({
          query: () => Promise.reject(new WorkflowNotFoundError('not found', 'container/acme', undefined)),
        }),
      },
      withDeadline: (_deadline: number, run: () => Promise<unknown>) => run(),
    } as unknown as Client;
    const error = await failure(getAccessToken(fake, 'acme', { consumerKeys }));
    expect(error).toBeInstanceOf(ContainerNotFoundError);
    expect(error.message).toContain('"acme"');
  });

  it('never puts a token in an error message', async () => {
    const container = new FakeContainer(300);
    container.stuck = true;
    const error = await failure(
      getAccessToken(container.client(), 'acme', container.options({ minValidityS: 500, timeoutMs: 300_000 })),
    );
    expect(error).toBeInstanceOf(TokenTimeoutError);
    expect(error.message).not.toContain('secret-access-token');
  });
});
