import { describe, expect, it } from 'vitest';
import { enrollRows, type RowResult } from '../../src/enrollment/apply';
import { ContainerRefusedError, type ContainerAdmin } from '../../src/enrollment/container-admin';
import type { EnrollmentRow, FileGrant } from '../../src/enrollment/rows';
import type { ContainerInput, ContainerStatus } from '../../contract/container';
import type { SealedCredentialsInput } from '../../contract/sealed';

interface FakeContainer {
  input: ContainerInput;
  chain?: number;
  credentials?: SealedCredentialsInput;
  /** The chain broke: status needs-reauth although a chain is known. */
  broken?: boolean;
  credentialsRejected?: boolean;
}

/** Containers in memory, with a log of every request that changes something. */
class FakeAdmin implements ContainerAdmin {
  readonly containers = new Map<string, FakeContainer>();
  readonly changes: string[] = [];
  /** Chains of containers whose workflows ended, by alias. */
  readonly journal = new Map<string, number>();
  /** Grants the fake Exact refuses, as a spent code would be. */
  readonly spent = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;

  private async turn<T>(run: () => T): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.inFlight--;
    return run();
  }

  private status(alias: string): ContainerStatus {
    const container = this.containers.get(alias)!;
    return {
      alias,
      status: container.chain === undefined || container.broken ? 'needs-reauth' : 'healthy',
      chain: container.chain,
      credentials: container.credentials
        ? { expiresAt: '2030-01-01T00:00:00.000Z', rejected: container.credentialsRejected ?? false }
        : undefined,
      retryAttempt: 0,
      tokenCallsToday: 0,
      refreshes: 0,
      failures: 0,
      runs: 1,
    };
  }

  describe(alias: string) {
    return this.turn(() => (this.containers.has(alias) ? this.status(alias) : undefined));
  }

  start(input: ContainerInput) {
    return this.turn(() => {
      this.changes.push(`start ${input.alias}`);
      // A restarted workflow reads the chain an earlier run left in the journal.
      if (!this.containers.has(input.alias)) {
        this.containers.set(input.alias, { input, chain: this.journal.get(input.alias) });
      }
      return this.status(input.alias);
    });
  }

  renew(alias: string, grant: FileGrant) {
    return this.turn(() => {
      const value = 'code' in grant ? grant.code : grant.refreshToken;
      if (this.spent.has(value)) {
        throw new ContainerRefusedError(alias, `Exact Online refused the authorization code ${value}: it was used`);
      }
      this.changes.push(`renew ${alias}`);
      const container = this.containers.get(alias)!;
      container.chain = (container.chain ?? 0) + 1;
      container.broken = false;
      return this.status(alias);
    });
  }

  setCredentials(alias: string, sealed: SealedCredentialsInput) {
    return this.turn(() => {
      this.changes.push(`credentials ${alias}`);
      this.containers.get(alias)!.credentials = sealed;
      return { alias, expiresAt: '2030-01-01T00:00:00.000Z' };
    });
  }
}

const sealed: SealedCredentialsInput = { sealedBox: 'c2VhbGVk', keyId: '0123456789abcdef' };

function row(line: number, alias: string, extra: Partial<EnrollmentRow> = {}): EnrollmentRow {
  return {
    line,
    alias,
    exact: { baseUrl: 'https://start.exactonline.nl', app: 'default' },
    grant: { code: `code-of-${alias}-0123456789` },
    ...extra,
  };
}

const outcomes = (results: RowResult[]) => results.map((result) => [result.alias, result.outcome]);

describe('enrolling rows idempotently', () => {
  it('starts missing containers, hands them their chain and credentials, and reports enrolled', async () => {
    const admin = new FakeAdmin();
    const results = await enrollRows([row(2, 'a'), row(3, 'b', { credentials: sealed })], admin);
    expect(results).toEqual([
      { line: 2, alias: 'a', outcome: 'enrolled', steps: ['start', 'renew'], status: 'healthy' },
      { line: 3, alias: 'b', outcome: 'enrolled', steps: ['start', 'renew', 'credentials'], status: 'healthy' },
    ]);
    expect(admin.containers.get('b')).toMatchObject({ chain: 1, credentials: sealed });
  });

  it('changes nothing on a second run: containers with a chain and credentials are unchanged', async () => {
    const admin = new FakeAdmin();
    const rows = [row(2, 'a'), row(3, 'b', { credentials: sealed })];
    await enrollRows(rows, admin);
    const changesAfterFirstRun = admin.changes.length;
    const again = await enrollRows(rows, admin);
    expect(outcomes(again)).toEqual([
      ['a', 'unchanged'],
      ['b', 'unchanged'],
    ]);
    expect(admin.changes).toHaveLength(changesAfterFirstRun);
    expect(admin.containers.get('a')?.chain).toBe(1);
  });

  it('gives a running container without a chain its grant, and one without credentials its credentials', async () => {
    const admin = new FakeAdmin();
    admin.containers.set('waiting', { input: row(0, 'waiting') });
    admin.containers.set('no-credentials', { input: row(0, 'no-credentials'), chain: 4 });
    const results = await enrollRows([row(2, 'waiting'), row(3, 'no-credentials', { credentials: sealed })], admin);
    expect(results.map(({ alias, outcome, steps }) => ({ alias, outcome, steps }))).toEqual([
      { alias: 'waiting', outcome: 'updated', steps: ['renew'] },
      { alias: 'no-credentials', outcome: 'updated', steps: ['credentials'] },
    ]);
    expect(admin.containers.get('no-credentials')?.chain).toBe(4);
  });

  it('replaces a chain only with renew, and held credentials only with replaceCredentials', async () => {
    const admin = new FakeAdmin();
    admin.containers.set('a', { input: row(0, 'a'), chain: 1, credentials: { ...sealed, keyId: 'old' } });
    expect(outcomes(await enrollRows([row(2, 'a', { credentials: sealed })], admin))).toEqual([['a', 'unchanged']]);
    await enrollRows([row(2, 'a', { credentials: sealed })], admin, { renew: true });
    expect(admin.containers.get('a')).toMatchObject({ chain: 2, credentials: { keyId: 'old' } });
    await enrollRows([row(2, 'a', { credentials: sealed })], admin, { replaceCredentials: true });
    expect(admin.containers.get('a')).toMatchObject({ chain: 2, credentials: sealed });
  });

  it('leaves a broken chain and rejected credentials alone, and flags them for a human', async () => {
    const admin = new FakeAdmin();
    admin.containers.set('broken', { input: row(0, 'broken'), chain: 3, broken: true });
    admin.containers.set('rejected', {
      input: row(0, 'rejected'),
      chain: 1,
      credentials: sealed,
      credentialsRejected: true,
    });
    const rows = [row(2, 'broken'), row(3, 'rejected', { credentials: sealed })];
    const results = await enrollRows(rows, admin);
    expect(results.map(({ alias, outcome, attention }) => ({ alias, outcome, attention }))).toEqual([
      { alias: 'broken', outcome: 'unchanged', attention: 'needs-reauth' },
      { alias: 'rejected', outcome: 'unchanged', attention: 'credentials-rejected' },
    ]);
    expect(admin.changes).toEqual([]);
    const helped = await enrollRows(rows, admin, { renew: true, replaceCredentials: true });
    expect(helped.map(({ outcome, attention }) => ({ outcome, attention }))).toEqual([
      { outcome: 'updated', attention: undefined },
      { outcome: 'updated', attention: undefined },
    ]);
  });

  it("restarts an ended container over its journal without spending the row's grant", async () => {
    const admin = new FakeAdmin();
    admin.journal.set('restarted', 7);
    const results = await enrollRows([row(2, 'restarted', { credentials: sealed })], admin);
    expect(results.map(({ outcome, steps, status }) => ({ outcome, steps, status }))).toEqual([
      { outcome: 'enrolled', steps: ['start', 'credentials'], status: 'healthy' },
    ]);
    expect(admin.changes).toEqual(['start restarted', 'credentials restarted']);
    expect(admin.containers.get('restarted')?.chain).toBe(7);
  });

  it('changes nothing in a dry run and says what it would do', async () => {
    const admin = new FakeAdmin();
    admin.containers.set('healthy', { input: row(0, 'healthy'), chain: 1 });
    admin.containers.set('waiting', { input: row(0, 'waiting') });
    const results = await enrollRows([row(2, 'new'), row(3, 'waiting'), row(4, 'healthy')], admin, { dryRun: true });
    expect(results.map(({ alias, outcome, steps }) => ({ alias, outcome, steps }))).toEqual([
      { alias: 'new', outcome: 'would-enroll', steps: ['start', 'renew'] },
      { alias: 'waiting', outcome: 'would-update', steps: ['renew'] },
      { alias: 'healthy', outcome: 'unchanged', steps: [] },
    ]);
    expect(admin.changes).toEqual([]);
    expect(admin.containers.has('new')).toBe(false);
  });

  it('keeps going after a refused row, reports its reason without the grant, and keeps row order', async () => {
    const admin = new FakeAdmin();
    const rows = [row(2, 'a'), row(3, 'spent'), row(4, 'c')];
    admin.spent.add('code-of-spent-0123456789');
    const results = await enrollRows(rows, admin, { concurrency: 2 });
    expect(outcomes(results)).toEqual([
      ['a', 'enrolled'],
      ['spent', 'failed'],
      ['c', 'enrolled'],
    ]);
    expect(results[1]).toMatchObject({ line: 3, steps: ['start'] });
    expect(results[1]?.reason).toBe('Exact Online refused the authorization code [secret]: it was used');
  });

  it('keeps at most `concurrency` requests in flight and reports progress for every row', async () => {
    const admin = new FakeAdmin();
    const rows = Array.from({ length: 25 }, (_, index) => row(index + 2, `row-${index}`));
    const progress: number[] = [];
    await enrollRows(rows, admin, { concurrency: 4, onProgress: (_result, done) => progress.push(done) });
    expect(admin.maxInFlight).toBe(4);
    expect(progress).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
  });

  it('refuses a concurrency below 1', async () => {
    await expect(enrollRows([row(2, 'a')], new FakeAdmin(), { concurrency: 0 })).rejects.toThrow(RangeError);
  });
});
