import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOrgKeyPair, type OrgKeyPair } from '../../src/crypto/keys';
import { createTokenSealer, type TokenSealer } from '../../src/crypto/seal';
import { VaultError } from '../../src/vault/errors';
import { MIGRATIONS } from '../../src/vault/migrations';
import type { AuditEvent, ChainRecord, SealedCredentials, TokenWrite, Vault } from '../../src/vault/vault';

export type VaultTable = 'token_journal' | 'audit_trail' | 'credentials' | 'schema_migrations';

/** One fresh, empty store per test; every `open` is a new, independent connection (or pool) to it. */
export interface VaultTestStore {
  open(sealer: TokenSealer, now?: () => Date): Promise<Vault>;
  /** Rows of a table, of one alias when given, read around the vault. */
  countRows(table: VaultTable, alias?: string): Promise<number>;
  /** Everything the store keeps at rest, as text, to search for plaintext secrets. */
  contentAtRest(): Promise<string>;
  /** Closes what `open` opened and removes the store. */
  dispose(): Promise<void>;
}

const T0 = new Date('2025-03-01T10:00:00.000Z');

function secret(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

function pair(issuedAt = T0): TokenWrite {
  return {
    refreshToken: secret('refresh'),
    accessToken: secret('access'),
    accessTokenIssuedAt: issuedAt,
    accessTokenExpiresAt: new Date(issuedAt.getTime() + 600_000),
  };
}

async function rejection(action: Promise<unknown>): Promise<unknown> {
  return action.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** The behaviour every Vault must show, registered as one describe block per implementation. */
export function describeVaultContract(name: string, createStore: () => Promise<VaultTestStore>): void {
  describe(`${name} vault`, () => {
    let store: VaultTestStore;
    let key: OrgKeyPair;
    let sealer: TokenSealer;
    let vault: Vault;
    let clock: Date;

    beforeEach(async () => {
      store = await createStore();
      key = generateOrgKeyPair();
      sealer = createTokenSealer({ current: key, keys: [key] });
      clock = T0;
      vault = await store.open(sealer, () => clock);
      await vault.migrate();
    });

    afterEach(async () => {
      await store.dispose();
    });

    async function started(alias: string): Promise<ChainRecord> {
      const result = await vault.startChain(alias, undefined, pair());
      if (!result.written) throw new Error('could not start the chain');
      return result.record;
    }

    describe('migrations', () => {
      it('records each step once and changes nothing when run again', async () => {
        const record = await started('acme');
        await vault.migrate();
        await vault.migrate();
        expect(await store.countRows('schema_migrations')).toBe(MIGRATIONS.length);
        expect(await vault.readChain('acme')).toEqual(record);
      });

      it('lets two workers that start together migrate a fresh store', async () => {
        await store.dispose();
        store = await createStore();
        const [first, second] = [await store.open(sealer), await store.open(sealer)];
        await Promise.all([first.migrate(), second.migrate(), first.migrate()]);
        expect(await store.countRows('schema_migrations')).toBe(MIGRATIONS.length);
        expect((await first.startChain('acme', undefined, pair())).written).toBe(true);
        expect((await second.readChain('acme'))?.chain).toBe(1);
      });
    });

    describe('token journal', () => {
      it('knows no chain for a container it never stored', async () => {
        expect(await vault.readChain('unknown')).toBeUndefined();
      });

      it('starts chain 1 at generation 1 and reads it back exactly', async () => {
        const first = pair();
        const result = await vault.startChain('acme', undefined, first);
        expect(result).toEqual({
          written: true,
          record: { alias: 'acme', chain: 1, generation: 1, ...first, updatedAt: T0 },
        });
        expect(await vault.readChain('acme')).toEqual({
          alias: 'acme',
          chain: 1,
          generation: 1,
          ...first,
          updatedAt: T0,
        });
      });

      it('keeps a chain started from a hand-made refresh token without an access token', async () => {
        const refreshToken = secret('hand-made');
        await vault.startChain('acme', undefined, { refreshToken });
        expect(await vault.readChain('acme')).toEqual({
          alias: 'acme',
          chain: 1,
          generation: 1,
          refreshToken,
          updatedAt: T0,
        });
      });

      it('refuses to start a first chain when one is already stored, and returns the stored one', async () => {
        const record = await started('acme');
        expect(await vault.startChain('acme', undefined, pair())).toEqual({ written: false, current: record });
      });

      it('writes generation n+1 over generation n, with the writer clock as updatedAt', async () => {
        await started('acme');
        clock = new Date(T0.getTime() + 570_000);
        const next = pair(clock);
        const result = await vault.writeNextGeneration('acme', { chain: 1, generation: 1 }, next);
        const expected = { alias: 'acme', chain: 1, generation: 2, ...next, updatedAt: clock };
        expect(result).toEqual({ written: true, record: expected });
        expect(await vault.readChain('acme')).toEqual(expected);
        expect(await store.countRows('token_journal', 'acme')).toBe(1);
      });

      it('refuses a write from a stale version and returns what is stored', async () => {
        await started('acme');
        const second = await vault.writeNextGeneration('acme', { chain: 1, generation: 1 }, pair());
        const stale = await vault.writeNextGeneration('acme', { chain: 1, generation: 1 }, pair());
        expect(second.written).toBe(true);
        expect(stale).toEqual({ written: false, current: second.written ? second.record : undefined });
      });

      it('refuses a next generation for a container that has no chain', async () => {
        expect(await vault.writeNextGeneration('ghost', { chain: 1, generation: 1 }, pair())).toEqual({
          written: false,
          current: undefined,
        });
        expect(await store.countRows('token_journal')).toBe(0);
      });

      it('starts a new chain over an existing one: chain + 1, generation back to 1', async () => {
        await started('acme');
        await vault.writeNextGeneration('acme', { chain: 1, generation: 1 }, pair());
        const renewed = pair();
        const result = await vault.startChain('acme', { chain: 1, generation: 2 }, renewed);
        expect(result).toEqual({
          written: true,
          record: { alias: 'acme', chain: 2, generation: 1, ...renewed, updatedAt: T0 },
        });
        expect(await vault.startChain('acme', { chain: 1, generation: 2 }, pair())).toMatchObject({
          written: false,
          current: { chain: 2, generation: 1, refreshToken: renewed.refreshToken },
        });
      });

      it('lets exactly one of two concurrent writers from the same version rotate the chain', async () => {
        const other = await store.open(sealer);
        await started('acme');
        for (let generation = 1; generation <= 10; generation += 1) {
          const mine = pair();
          const theirs = pair();
          const results = await Promise.all([
            vault.writeNextGeneration('acme', { chain: 1, generation }, mine),
            other.writeNextGeneration('acme', { chain: 1, generation }, theirs),
          ]);
          const winners = results.filter((result) => result.written);
          const losers = results.filter((result) => !result.written);
          expect(winners).toHaveLength(1);
          expect(losers).toHaveLength(1);
          const stored = await vault.readChain('acme');
          expect(stored?.generation).toBe(generation + 1);
          expect([mine.refreshToken, theirs.refreshToken]).toContain(stored?.refreshToken);
          expect(winners[0]).toEqual({ written: true, record: stored });
          expect(losers[0]).toEqual({ written: false, current: stored });
        }
      });

      it('lets exactly one of two concurrent enrollments start the first chain', async () => {
        const other = await store.open(sealer);
        const results = await Promise.all([
          vault.startChain('acme', undefined, pair()),
          other.startChain('acme', undefined, pair()),
        ]);
        expect(results.filter((result) => result.written)).toHaveLength(1);
        expect(await store.countRows('token_journal', 'acme')).toBe(1);
      });

      it('keeps containers apart', async () => {
        const acme = await started('acme');
        const globex = await started('globex');
        await vault.writeNextGeneration('globex', { chain: 1, generation: 1 }, pair());
        expect(await vault.readChain('acme')).toEqual(acme);
        expect((await vault.readChain('globex'))?.generation).toBe(2);
        expect(globex.refreshToken).not.toBe(acme.refreshToken);
      });
    });

    describe('secrets at rest', () => {
      it('never stores a token in plaintext, only boxes sealed to the organization key', async () => {
        const first = pair();
        const next = pair();
        const renewed = { refreshToken: secret('hand-made') };
        await vault.startChain('acme-at-rest', undefined, first);
        await vault.writeNextGeneration('acme-at-rest', { chain: 1, generation: 1 }, next);
        await vault.startChain('acme-at-rest', { chain: 1, generation: 2 }, renewed);
        await vault.appendAudit('acme-at-rest', { kind: 'renewed', at: T0, detail: 'renewed by hand' });
        await vault.close();

        const content = await store.contentAtRest();
        // The dump does show what the store keeps: the alias and the key id are there in plaintext.
        expect(content).toContain('acme-at-rest');
        expect(content).toContain(key.keyId);
        expect(content).toContain('renewed by hand');
        for (const token of [first, next].flatMap((write) => [write.refreshToken, write.accessToken!])) {
          expect(content).not.toContain(token);
        }
        expect(content).not.toContain(renewed.refreshToken);
      });

      it('reads rows sealed to an older key after the key is rotated, and seals new rows to the new key', async () => {
        const before = await started('acme');
        const newKey = generateOrgKeyPair();
        const rotated = await store.open(createTokenSealer({ current: newKey, keys: [key, newKey] }));
        expect(await rotated.readChain('acme')).toEqual(before);
        await rotated.writeNextGeneration('acme', { chain: 1, generation: 1 }, pair());
        expect(await store.contentAtRest()).toContain(newKey.keyId);

        const error = await rejection(vault.readChain('acme'));
        expect(error).toBeInstanceOf(VaultError);
        expect((error as VaultError).problem).toBe('unreadable-row');
        expect((error as VaultError).message).toContain(newKey.keyId);
      });
    });

    describe('audit trail', () => {
      it('lists a container’s events newest first, same-time events in reverse order of arrival', async () => {
        const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
        await vault.appendAudit('acme', { kind: 'enrolled', at: at(0), chain: 1, generation: 1 });
        await vault.appendAudit('acme', { kind: 'refreshed', at: at(600), detail: 'ok', chain: 1, generation: 2 });
        await vault.appendAudit('acme', { kind: 'retried', at: at(300), detail: 'transient: 503' });
        await vault.appendAudit('acme', { kind: 'paused', at: at(600) });
        await vault.appendAudit('globex', { kind: 'enrolled', at: at(900) });

        const events: AuditEvent[] = await vault.listAudit('acme');
        expect(events).toEqual([
          { kind: 'paused', at: at(600) },
          { kind: 'refreshed', at: at(600), detail: 'ok', chain: 1, generation: 2 },
          { kind: 'retried', at: at(300), detail: 'transient: 503' },
          { kind: 'enrolled', at: at(0), chain: 1, generation: 1 },
        ]);
        expect(await vault.listAudit('acme', 2)).toEqual(events.slice(0, 2));
      });

      it('returns the newest 50 events unless told otherwise', async () => {
        for (let index = 0; index < 55; index += 1) {
          await vault.appendAudit('acme', {
            kind: 'refreshed',
            at: new Date(T0.getTime() + index * 1000),
            generation: index,
          });
        }
        const events = await vault.listAudit('acme');
        expect(events).toHaveLength(50);
        expect(events[0]?.generation).toBe(54);
        expect(events[49]?.generation).toBe(5);
      });

      it('refuses a limit that is not a whole number from 1 to 1000', async () => {
        for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
          const error = await rejection(vault.listAudit('acme', limit));
          expect((error as VaultError).problem).toBe('bad-input');
        }
      });
    });

    describe('sealed credentials', () => {
      const expiresAt = new Date(T0.getTime() + 30 * 24 * 3600 * 1000);
      const credentials = (alias: string, enteredAt = T0): SealedCredentials => ({
        alias,
        sealedBox: randomBytes(90).toString('base64'),
        keyId: 'a1b2c3d4e5f60718',
        enteredAt,
        expiresAt: new Date(enteredAt.getTime() + 30 * 24 * 3600 * 1000),
      });

      it('returns stored credentials until they expire, then refuses them', async () => {
        const stored = credentials('acme');
        await vault.putCredentials(stored);
        expect(await vault.getCredentials('acme', T0)).toEqual(stored);
        expect(await vault.getCredentials('acme', new Date(expiresAt.getTime() - 1))).toEqual(stored);
        expect(await vault.getCredentials('acme', expiresAt)).toBeUndefined();
        expect(await vault.getCredentials('acme', new Date(expiresAt.getTime() + 1))).toBeUndefined();
        expect(await vault.getCredentials('globex', T0)).toBeUndefined();
      });

      it('replaces credentials entered again, restarting their 30 days', async () => {
        await vault.putCredentials(credentials('acme'));
        const again = credentials('acme', new Date(T0.getTime() + 20 * 24 * 3600 * 1000));
        await vault.putCredentials(again);
        expect(await vault.getCredentials('acme', expiresAt)).toEqual(again);
        expect(await store.countRows('credentials', 'acme')).toBe(1);
      });

      it('deletes the row itself, and says whether there was one', async () => {
        await vault.putCredentials(credentials('acme'));
        await vault.putCredentials(credentials('globex'));
        expect(await vault.deleteCredentials('acme')).toBe(true);
        expect(await store.countRows('credentials', 'acme')).toBe(0);
        expect(await store.countRows('credentials', 'globex')).toBe(1);
        expect(await vault.deleteCredentials('acme')).toBe(false);
      });

      it('keeps a pending login submit until it is confirmed, for that entry only', async () => {
        const entry = credentials('acme');
        await vault.putCredentials(entry);
        const at = new Date(T0.getTime() + 1000);
        expect(await vault.markSubmitPending(entry, 'password', at)).toBe(true);
        expect((await vault.getCredentials('acme', T0))?.submitPending).toEqual({ step: 'password', at });
        // A mark for an entry that was replaced in the meantime lands nowhere.
        const older = { alias: 'acme', enteredAt: new Date(T0.getTime() - 1) };
        expect(await vault.markSubmitPending(older, 'totp', at)).toBe(false);
        await vault.clearSubmitPending(older);
        expect((await vault.getCredentials('acme', T0))?.submitPending?.step).toBe('password');
        await vault.clearSubmitPending(entry);
        expect((await vault.getCredentials('acme', T0))?.submitPending).toBeUndefined();
      });

      it('forgets a pending login submit when the credentials are entered again', async () => {
        await vault.putCredentials(credentials('acme'));
        await vault.markSubmitPending(credentials('acme'), 'totp', T0);
        const again = credentials('acme', new Date(T0.getTime() + 60_000));
        await vault.putCredentials(again);
        expect((await vault.getCredentials('acme', again.enteredAt))?.submitPending).toBeUndefined();
      });

      it('refuses credentials that expire before they were entered', async () => {
        const error = await rejection(vault.putCredentials({ ...credentials('acme'), expiresAt: T0 }));
        expect((error as VaultError).problem).toBe('bad-input');
      });
    });

    describe('Exact identities (one container per Exact user and app)', () => {
      const identity = (chain: number, userId = 'user-guid-1', scope = 'client-1 https://start.exactonline.nl') => ({
        scope,
        userId,
        userName: 'jdoe',
        division: 797636,
        chain,
        recordedAt: clock,
      });

      it('records who the current chain belongs to, and reads it back with the chain, until a new chain starts', async () => {
        const first = await started('acme');
        expect(await vault.recordIdentity('acme', identity(first.chain))).toEqual({ outcome: 'recorded' });
        expect((await vault.readChain('acme'))?.identity).toEqual(identity(1));
        // A refresh keeps it (same chain); a new chain is unidentified until its own /Me.
        await vault.writeNextGeneration('acme', first, pair());
        expect((await vault.readChain('acme'))?.identity?.chain).toBe(1);
        const second = await vault.startChain('acme', { chain: 1, generation: 2 }, pair());
        expect(second.written && second.record.chain).toBe(2);
        expect((await vault.readChain('acme'))?.identity?.chain).toBe(1);
      });

      it('refuses a second container for the same user and app, naming the first, and records nothing for it', async () => {
        await started('first');
        await started('second');
        await vault.recordIdentity('first', identity(1));
        expect(await vault.recordIdentity('second', identity(1))).toEqual({ outcome: 'held', heldBy: 'first' });
        expect((await vault.readChain('second'))?.identity).toBeUndefined();
        // The first keeps it when it records again (after its own recovery, say).
        expect(await vault.recordIdentity('first', identity(1))).toEqual({ outcome: 'recorded' });
        // Another user, or the same user of another app or Exact stack, is no conflict.
        expect(await vault.recordIdentity('second', identity(1, 'user-guid-2'))).toEqual({ outcome: 'recorded' });
        await started('third');
        const otherApp = identity(1, 'user-guid-1', 'client-2 https://start.exactonline.nl');
        expect(await vault.recordIdentity('third', otherApp)).toEqual({ outcome: 'recorded' });
      });

      it('lets a container take the user of one that moved to another chain, or of one passed over', async () => {
        const first = await started('first');
        await started('second');
        await vault.recordIdentity('first', identity(1));
        expect(await vault.recordIdentity('second', identity(1), ['first'])).toEqual({ outcome: 'recorded' });
        await started('third');
        await vault.startChain('first', first, pair());
        expect(await vault.recordIdentity('third', identity(1), ['second'])).toEqual({ outcome: 'recorded' });
      });

      it('records nothing for a chain the container has left, and refuses bad identities', async () => {
        await started('acme');
        expect(await vault.recordIdentity('acme', identity(7))).toEqual({ outcome: 'stale' });
        expect(await vault.recordIdentity('nobody', identity(1))).toEqual({ outcome: 'stale' });
        const error = await rejection(vault.recordIdentity('acme', { ...identity(1), userId: '' }));
        expect(error).toBeInstanceOf(VaultError);
        expect(await rejection(vault.recordIdentity('acme', { ...identity(1), division: 1.5 }))).toBeInstanceOf(
          VaultError,
        );
      });
    });

    describe('bad input', () => {
      it('refuses an empty alias, a bad version or an empty refresh token without echoing tokens', async () => {
        const write = pair();
        const attempts = [
          vault.readChain(''),
          vault.startChain('  ', undefined, write),
          vault.writeNextGeneration('acme', { chain: 0, generation: 1 }, write),
          vault.writeNextGeneration('acme', { chain: 1, generation: 1.5 }, write),
          vault.startChain('acme', undefined, { ...write, refreshToken: '' }),
          vault.startChain('acme', undefined, { ...write, accessTokenExpiresAt: new Date(Number.NaN) }),
        ];
        for (const attempt of attempts) {
          const error = await rejection(attempt);
          expect(error).toBeInstanceOf(VaultError);
          expect((error as VaultError).problem).toBe('bad-input');
          expect((error as VaultError).message).not.toContain(write.refreshToken);
          expect((error as VaultError).message).not.toContain(write.accessToken);
        }
        expect(await store.countRows('token_journal')).toBe(0);
      });
    });
  });
}
