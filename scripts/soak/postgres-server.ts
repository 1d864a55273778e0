import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/temporal/dev-server';
import type { Timeline } from './timeline';

const run = promisify(execFile);

/** Where Debian/Ubuntu install the server binaries (initdb, pg_ctl); the newest version wins. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined)
    throw new Error(`no PostgreSQL server binaries under ${root} (apt-get install postgresql)`);
  return join(root, versions[0], 'bin');
}

/** The uid/gid of `postgres` when this process is root (initdb refuses to run as root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no postgres user to run initdb as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A PostgreSQL cluster of the soak's own, in its work directory, on a free loopback port: the store of the
 * `--store postgres` form. Its own cluster rather than the machine's shared server on 5432, because the soak
 * restarts it twice and makes it read-only for a minute: done to the shared server, that would fail the tests of
 * everyone else using it. Its data files sit in the work directory, so the leak scan reads them as it reads the
 * SQLite store.
 */
export class SoakPostgres {
  private readonly bin = postgresBin();
  private readonly user = postgresUser();
  private admin: pg.Client | undefined;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly timeline: Timeline,
  ) {}

  /** initdb (trust, loopback only), start, and create the `chainkeeper` database. */
  static async start(dataDir: string, timeline: Timeline): Promise<SoakPostgres> {
    const server = new SoakPostgres(dataDir, await freePort(), timeline);
    await server.init();
    return server;
  }

  /** The store URL the workers get; the database is created fresh with the cluster. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/chainkeeper`;
  }

  private get logFile(): string {
    return join(this.dataDir, 'server.log');
  }

  private async asPostgres(command: string, args: string[]): Promise<string> {
    const full = join(this.bin, command);
    const { stdout } = this.user
      ? await run('runuser', ['-u', 'postgres', '--', full, ...args], { cwd: '/' })
      : await run(full, args);
    return stdout;
  }

  private async init(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    if (this.user) chownSync(this.dataDir, this.user.uid, this.user.gid);
    chmodSync(this.dataDir, 0o700);
    await this.asPostgres('initdb', [
      '-D',
      this.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
    ]);
    await this.startOnce();
    const client = await this.connect('postgres');
    try {
      await client.query('CREATE DATABASE chainkeeper');
    } finally {
      await client.end();
    }
  }

  /** `admin`: the soak's own session stays writable whatever the server's default says, so it can undo read-only. */
  private async connect(database = 'chainkeeper', admin = true): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: `postgres://postgres@127.0.0.1:${this.port}/${database}`,
      connectionTimeoutMillis: 10_000,
      ...(admin ? { options: '-c default_transaction_read_only=off' } : {}),
    });
    client.on('error', () => {});
    await client.connect();
    return client;
  }

  private async startOnce(): Promise<void> {
    const startedAt = Date.now();
    // fsync off: a process crash (immediate stop) loses nothing (the OS has the pages); only a machine crash would.
    const settings = [
      `-p ${this.port}`,
      `-k ${this.dataDir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c fsync=off',
      '-c max_connections=200',
      '-c shared_buffers=128MB',
    ].join(' ');
    await this.asPostgres('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      this.logFile,
      '-w',
      '-t',
      '120',
      '-o',
      settings,
      'start',
    ]);
    this.timeline.add('postgres-start', { port: this.port, startS: Math.round((Date.now() - startedAt) / 100) / 10 });
  }

  private async stopOnce(mode: 'fast' | 'immediate'): Promise<void> {
    await this.admin?.end().catch(() => {});
    this.admin = undefined;
    await this.asPostgres('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '120', 'stop']);
    this.timeline.add('postgres-stop', { mode });
  }

  /** Stops the server (`fast`: sessions cut, clean shutdown; `immediate`: like a crash) and starts it again. */
  async restart(mode: 'fast' | 'immediate'): Promise<{ downMs: number }> {
    const stoppedAt = Date.now();
    await this.stopOnce(mode);
    await this.startOnce();
    return { downMs: Date.now() - stoppedAt };
  }

  /**
   * Makes every transaction read-only, existing sessions included: `default_transaction_read_only` through
   * ALTER SYSTEM and a reload, which every backend applies before its next command. Then proves it on a session
   * opened before the switch: its INSERT must fail with "read-only transaction". Resolves with that proof.
   */
  async readOnly(on: boolean): Promise<{ verified: boolean; message?: string }> {
    const admin = (this.admin ??= await this.connect());
    if (on) await admin.query('CREATE TABLE IF NOT EXISTS soak_read_only_probe (at timestamptz)');
    // A session like the workers': it inherits the server's defaults.
    const before = on ? await this.connect('chainkeeper', false) : undefined;
    try {
      await admin.query(
        on ? 'ALTER SYSTEM SET default_transaction_read_only = on' : 'ALTER SYSTEM RESET default_transaction_read_only',
      );
      await admin.query('SELECT pg_reload_conf()');
      if (!before) {
        this.timeline.add('store-writable', {});
        return { verified: true };
      }
      // The reload reaches each backend asynchronously: the old session is asked a few times.
      let message: string | undefined;
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          await before.query('INSERT INTO soak_read_only_probe VALUES (now())');
          message = 'an existing session could still write';
        } catch (error) {
          message = (error as Error).message;
          if (/read-only transaction/i.test(message)) {
            this.timeline.add('store-read-only', { verified: true, existingSessionError: message });
            return { verified: true, message };
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      this.timeline.add('store-read-only', { verified: false, existingSessionError: message });
      return { verified: false, message };
    } finally {
      await before?.end().catch(() => {});
    }
  }

  /** Stops the cluster (its files stay in the work directory for the leak scan). */
  async stop(): Promise<void> {
    await this.admin?.end().catch(() => {});
    this.admin = undefined;
    if (!existsSync(join(this.dataDir, 'postmaster.pid'))) return;
    await this.asPostgres('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']).catch(() => {});
  }
}
