import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAccessToken } from '../../src/crypto/consumer-keys';
import type { Vault } from '../../src/vault/vault';
import { accessTokenQuery, renewAuthorizationUpdate, statusQuery } from '../../contract/messages';
import { createContainerHarness, type ContainerHarness } from '../support/container-harness';

const MINUTE_MS = 60 * 1000;

/** A vault whose next generation write succeeds and then "kills" the activity before it can return. */
function crashingAfterJournalWrite(vault: Vault, crash: { armed: boolean; fired: number }): Vault {
  return new Proxy(vault, {
    get(target, property, receiver) {
      if (property !== 'writeNextGeneration') return Reflect.get(target, property, receiver) as unknown;
      return async (...args: Parameters<Vault['writeNextGeneration']>) => {
        const result = await target.writeNextGeneration(...args);
        if (crash.armed && result.written) {
          crash.armed = false;
          crash.fired += 1;
          throw new Error('the worker died after the journal write');
        }
        return result;
      };
    },
  });
}

describe('crash safety of a refresh (time-skipping, simulator over HTTP)', () => {
  const crash = { armed: false, fired: 0 };
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness({ wrapVault: (vault) => crashingAfterJournalWrite(vault, crash) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('retries from generation n+1 in the journal and never presents the old refresh token again', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('crashy');
    await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    await h.env.sleep(25 * MINUTE_MS);
    const before = await handle.query(statusQuery);
    expect(before).toMatchObject({ status: 'healthy', chain: 1, generation: 3 });
    const callsBefore = h.sim.control.counters().tokenCalls.length;

    crash.armed = true;
    await h.env.sleep(10 * MINUTE_MS);
    expect(crash.fired).toBe(1);
    await h.env.sleep(MINUTE_MS);

    const after = await handle.query(statusQuery);
    expect(after).toMatchObject({ status: 'healthy', chain: 1, generation: 4 });
    // The token endpoint answered once for generation 4: the retry took it from the journal.
    expect(h.sim.control.counters().tokenCalls.length).toBe(callsBefore + 1);
    const journal = await h.vault.readChain('crashy');
    expect(journal).toMatchObject({ chain: 1, generation: 4 });
    const { sealedAccessToken } = await handle.query(accessTokenQuery);
    expect(openAccessToken(h.consumerKeys, sealedAccessToken)).toBe(journal?.accessToken);

    // The chain goes on from generation 4, and the simulator never saw a rotated refresh token again.
    await h.env.sleep(30 * MINUTE_MS);
    const counters = h.sim.control.counters();
    expect(counters.oldRefreshTokenPresented).toBe(0);
    expect(counters.errors).toEqual([]);
    expect((await handle.query(statusQuery)).generation).toBeGreaterThanOrEqual(6);
  });
});

describe('a renewal that arrives while a new container still reads its journal', () => {
  let h: ContainerHarness;
  beforeAll(async () => {
    h = await createContainerHarness({
      // The first read sees an empty journal and answers late, after a renewal could have written a chain.
      wrap: (activities) => ({
        ...activities,
        loadChain: async (request) => {
          const read = await activities.loadChain(request);
          await new Promise((resolve) => setTimeout(resolve, 1500));
          return read;
        },
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('waits for the read and keeps the new chain', async () => {
    const user = h.newUser();
    const handle = await h.startContainer('early-renewal');
    const renewed = await handle.executeUpdate(renewAuthorizationUpdate, { args: [{ code: await h.code(user) }] });
    expect(renewed).toMatchObject({ status: 'healthy', chain: 1, generation: 1 });
    await h.env.sleep(MINUTE_MS);
    expect(await handle.query(statusQuery)).toMatchObject({ status: 'healthy', chain: 1 });
  });
});
