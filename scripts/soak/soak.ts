import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { AUTH_CODE_TTL_S, scaleRules, type ExactRules } from '../../src/exact/rules';
import { createDataConverter } from '../../src/crypto/data-converter';
import { loadConsumerKeys } from '../../src/crypto/consumer-keys';
import { loadKeyDirectory } from '../../src/crypto/key-directory';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { createTokenSealer } from '../../src/crypto/seal';
import { createSimulator } from '../../src/simulator';
import { seededRandom } from '../../src/simulator/prng';
import { openVault } from '../../src/vault/open-vault';
import { nextRefreshAt, resolveOptions } from '../../workflows/container/schedule';
import type { ContainerOptions } from '../../workflows/container/types';
import { chainBreaker, shuffled } from './chain-breaker';
import { KillOnIssue, planChaos, runStorm } from './chaos';
import { observeIssues } from './issue-observer';
import { Cleanup } from './cleanup';
import { snapshotCode } from './code-snapshot';
import { FaultStorm, waveRules } from './fault-storm';
import { createUsers, enrollFleet, type SoakContainer } from './fleet';
import { exportHistories } from './history-export';
import { scanSoakDir } from './leak-scan';
import { measure, type BreakRecord, type ContainerEnd } from './measure';
import type { SoakOptions } from './options';
import { auditFacts, containerEnds, waitSettled, type Probe } from './probe';
import { processesWithEnv, signalQuietly } from './process-tree';
import { evaluateGoals, type SoakReport } from './report';
import { findingsOf } from './findings';
import { expiryStats, onOurClock, outageRecoveries, outagesOf } from './outages';
import { SoakPostgres } from './postgres-server';
import { recordIssuedSecrets, SecretList } from './secret-list';
import { soakStats } from './stats';
import { RestartableDevServer } from './temporal-server';
import { Timeline } from './timeline';
import { soakDir } from './work-dir';
import { RUN_ENV, workerEnv } from './worker-env';
import { WorkerSupervisor } from './worker-process';

const REDIRECT_URI = 'http://127.0.0.1:18871/callback';

export interface SoakRun {
  report: SoakReport;
  /** The work directory, when kept. */
  keptDir?: string;
}

/** The whole soak: set up, storm, settle, measure, leak scan, tear down. Every child is stopped in the end. */
export async function runSoak(options: SoakOptions, cleanup = new Cleanup()): Promise<SoakRun> {
  const startedAt = Date.now();
  const runId = randomUUID();
  // Inherited by every child (dev server, worker, Chromium, CLI), so the stray check finds them all.
  process.env[RUN_ENV] = runId;
  const root = mkdtempSync(join(tmpdir(), 'chainkeeper-soak-'));
  const dir = soakDir(root);
  for (const folder of [dir.logsDir, dir.historiesDir]) mkdirSync(folder, { recursive: true, mode: 0o700 });
  const timeline = new Timeline(startedAt, join(dir.logsDir, 'soak.log'));
  timeline.add('note', { workDir: root, options: { ...options, reportFile: undefined } });
  // Exact's rules at the soak's time scale, except the authorization code's 3 minutes: like the 30 s TOTP step,
  // it bounds a browser's or a human's pace, not the chain's, and 3.6 s would expire codes under load.
  const rules: ExactRules = { ...scaleRules(options.timeScale), authCodeTtlS: AUTH_CODE_TTL_S };
  // Exact's rules reach the workflow from the worker's CHAINKEEPER_TIME_SCALE (workerEnv), never from input.
  const containerOptions: ContainerOptions = {
    // Backoff keeps its proportion to the 570 s rule (10 s and 5 min at real time).
    retryInitialMs: Math.max(50, Math.round(10_000 * options.timeScale)),
    retryMaxMs: Math.max(1000, Math.round(300_000 * options.timeScale)),
    ...(options.refreshIntervalS > 0
      ? { refreshIntervalMs: Math.round(options.refreshIntervalS * 1000 * options.timeScale) }
      : {}),
    ...(options.cyclesPerRun > 0 ? { cyclesPerRun: options.cyclesPerRun } : {}),
  };
  const cycleMs = nextRefreshAt(0, resolveOptions(containerOptions, rules), false);
  const random = seededRandom(options.seed);
  const secrets = new SecretList(dir.secretsFile);
  cleanup.add('secret list', () => secrets.close());
  if (!options.keep)
    cleanup.add('work directory', () => Promise.resolve(rmSync(root, { recursive: true, force: true })), 'last');
  const loads: number[] = [];

  // Exact: in this process, on the machine's clock, with the scaled rules.
  // Exact's clock may be off ours (`--clock-offset`): everything it records is moved back onto ours to be measured.
  const sim = createSimulator({
    rules,
    graceUntilActivated: options.grace,
    seed: options.seed,
    clockOffsetMs: options.clockOffsetMs,
  });
  const aliasByUser = new Map<string, string>();
  recordIssuedSecrets(sim, secrets, (userId) => aliasByUser.get(userId) ?? userId);
  await sim.start();
  cleanup.add('simulator', () => sim.stop());
  const app = sim.control.addApp({ redirectUri: REDIRECT_URI });
  secrets.add('client-secret', 'client secret of the soak app', app.clientSecret);

  const keys = await loadKeyDirectory(dir.keysDir, { createIfMissing: true });
  // `--store postgres`: a cluster of the run's own in the work directory (which the postgres user must traverse).
  let postgres: SoakPostgres | undefined;
  if (options.store === 'postgres') {
    chmodSync(root, 0o711);
    postgres = await SoakPostgres.start(join(root, 'postgres'), timeline);
    cleanup.add('postgres', () => (postgres as SoakPostgres).stop());
  }
  const storeUrl = postgres ? postgres.url : `sqlite:${dir.storeDb}`;
  const server = await RestartableDevServer.start(dir.temporalDb, timeline);
  cleanup.add('dev server', () => server.stop());
  const taskQueue = `soak-${runId.slice(0, 8)}`;
  writeFileSync(dir.manifestFile, JSON.stringify({ runId, taskQueue, containers: options.containers }, null, 2));
  const code = snapshotCode(dir.codeDir);
  const workerSettings = {
    projectRoot: code.root,
    env: workerEnv({
      runId,
      address: server.address,
      taskQueue,
      dir,
      app,
      simulatorOrigins: sim.loginOrigins,
      timeScale: options.timeScale,
      httpTimeoutMs: options.httpTimeoutMs,
      containers: options.containers,
      storeUrl,
    }),
    logsDir: dir.logsDir,
    timeline,
  };
  const workers = Array.from(
    { length: options.workers },
    (_, i) => new WorkerSupervisor({ ...workerSettings, name: options.workers > 1 ? String(i + 1) : undefined }),
  );
  const stopWorkers = async () => void (await Promise.all(workers.map((w) => w.stop())));
  cleanup.add('worker', stopWorkers);
  // One after the other: two workers bundling the workflows at once on two shared cores take twice as long each.
  for (const worker of workers) await worker.start();

  const connection = await Connection.connect({ address: server.address, connectTimeout: 10_000 });
  cleanup.add('client connection', () => connection.close());
  const client = new Client({
    connection,
    dataConverter: createDataConverter(await SodiumPayloadCodec.create(keys.history)),
  });
  const probe: Probe = { client, connection, consumerKeys: await loadConsumerKeys(dir.keysDir) };

  const fleet = { sim, app, client, taskQueue, orgKey: keys.org.current, containerOptions, secrets };
  const users = createUsers(fleet, options.containers);
  users.forEach((user, i) => aliasByUser.set(user.id, `soak-${String(i).padStart(4, '0')}`));
  const enrollStart = Date.now();
  const containers = await enrollFleet(fleet, users);
  timeline.add('enrolled', { containers: containers.length, seconds: Math.round((Date.now() - enrollStart) / 1000) });

  // The storm.
  const breaks: BreakRecord[] = [];
  const faultRules = waveRules(options.faultRate, options.httpTimeoutMs);
  const killOnIssue = new KillOnIssue(workers);
  observeIssues(sim, (event) => {
    if (event.kind === 'pair' && event.grant === 'refresh_token') killOnIssue.issued();
  });
  const stormStartMs = Date.now();
  await runStorm(planChaos(options, random), {
    timeline,
    faults: new FaultStorm(sim.control, timeline, faultRules),
    workers,
    server,
    postgres,
    breakOne: chainBreaker({ sim, app, probe, candidates: shuffled(containers, random), breaks, timeline }),
    killAfterNextIssue: (index) => killOnIssue.arm(index),
    onMinute: () => {
      loads.push(loadavg()[0] as number);
      const counters = sim.control.counters();
      const ok = counters.tokenCalls.filter((c) => c.outcome === 'ok').length;
      timeline.add('note', {
        tokenCalls: counters.tokenCalls.length,
        issued: ok,
        faults: counters.faultsInjected.length,
        load1: Math.round((loads.at(-1) ?? 0) * 100) / 100,
      });
    },
  });
  const stormEndMs = Date.now();

  // Calm: no faults, no kills; every container should come back healthy on its own.
  for (const worker of workers) await worker.waitReady();
  const settled = await waitSettled(probe, containers, stormEndMs, options.settleSeconds * 1000);
  timeline.add('settled', { settled: settled.settled, notYet: settled.notYet.slice(0, 20) });
  const counters = onOurClock(sim.control.counters(), options.clockOffsetMs);
  const generationOf = (c: SoakContainer) => sim.state.chains.liveChain(app.clientId, c.userId)?.generation;
  const ends = await containerEnds(probe, containers, { baseUrl: sim.baseUrl, generationOf }, cycleMs);
  const endMs = Date.now();

  await cleanup.run('worker');
  const vault = await openVault({ url: storeUrl, sealer: createTokenSealer(keys.org) });
  const withAudit: ContainerEnd[] = [];
  try {
    for (const end of ends) {
      withAudit.push({ ...end, ...(await auditFacts(vault, end.alias)) });
    }
  } finally {
    await vault.close();
  }
  const counts = measure({
    counters,
    rules,
    grace: options.grace,
    httpTimeoutMs: options.httpTimeoutMs,
    containers: withAudit,
    breaks,
    stormEndMs,
  });
  const stats = soakStats({
    counters,
    rules,
    containers: withAudit,
    breaks,
    timeline: timeline.events,
    stormStartMs,
    stormEndMs,
    endMs,
  });

  const outages = outagesOf(timeline.events, endMs);
  const outageStats = {
    outages: outageRecoveries({
      outages,
      containers: withAudit,
      nominalPerSlot: (options.containers * 5000) / cycleMs,
      startMs: startedAt,
      endMs,
    }),
    expiredAccessTokens: expiryStats({
      containers: withAudit,
      events: timeline.events,
      breaks,
      outages,
      accessTokenTtlMs: rules.accessTokenTtlS * 1000,
      minRefreshIntervalMs: rules.minRefreshIntervalS * 1000,
      refreshIntervalMs: cycleMs,
      retryMaxMs: containerOptions.retryMaxMs ?? 0,
      activityTimeoutMs: 60_000,
      startMs: stormStartMs,
      endMs,
    }),
  };

  // The leak scan: export every history while the server still runs, then stop everything and read the files.
  const histories = await exportHistories(server.address, dir.historiesDir);
  await cleanup.run('client connection');
  await cleanup.run('dev server');
  await cleanup.run('simulator');
  await cleanup.run('postgres');
  await cleanup.run('secret list');
  const leakScan = await scanSoakDir(dir, histories);

  // Every process this run started carries the run id in its environment; none may outlive the run.
  const strays = processesWithEnv(RUN_ENV, runId);
  for (const stray of strays) signalQuietly(stray.pid, 'SIGKILL');

  const goals = evaluateGoals(counts, leakScan, strays);
  if (options.expiryGoal) {
    const value = outageStats.expiredAccessTokens.longestOutsideDisturbancesS;
    goals.splice(5, 0, {
      name: 'longest expired access token outside disturbance windows (s)',
      value,
      atMost: 0,
      passed: value <= 0,
    });
  }
  const report: SoakReport = {
    passed: goals.every((g) => g.passed),
    mode: options.quick ? 'quick' : 'full',
    form: options.store === 'postgres' ? 'postgres' : options.days > 0 ? `${options.days} days` : 'sqlite',
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date().toISOString(),
    durationS: Math.round((Date.now() - startedAt) / 1000),
    goals,
    configuration: {
      containers: options.containers,
      stormMinutes: options.minutes,
      timeScale: options.timeScale,
      rules,
      refreshEveryS: cycleMs / 1000,
      graceUntilActivated: options.grace,
      retryInitialMs: containerOptions.retryInitialMs,
      retryMaxMs: containerOptions.retryMaxMs,
      workerHttpTimeoutMs: options.httpTimeoutMs,
      killEverySeconds: options.killEverySeconds,
      devServerRestarts: options.devServerRestarts,
      breaks: options.breaks,
      faultRate: options.faultRate,
      faultWaves: { onSeconds: options.waveOnSeconds, offSeconds: options.waveOffSeconds },
      faultRules,
      store: options.store,
      workers: options.workers,
      postgresRestarts: options.postgresRestarts,
      readOnlySeconds: options.readOnlySeconds,
      devServerKills: options.devServerKills,
      exactClockOffsetMs: options.clockOffsetMs,
      simulatedDays: options.days > 0 ? options.days : undefined,
      containerRefreshIntervalS: options.refreshIntervalS > 0 ? options.refreshIntervalS : 570,
      cyclesPerRun: options.cyclesPerRun > 0 ? options.cyclesPerRun : 100,
      seed: options.seed,
      code: { commit: code.commit, uncommittedFiles: code.changedFiles },
      settled: settled.settled,
      machine: {
        cpus: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        load1Max: Math.round(Math.max(0, ...loads) * 100) / 100,
        node: process.version,
      },
      workDir: options.keep ? root : '(deleted; run with --keep to keep it)',
    },
    counts,
    stats,
    outageStats,
    leakScan,
    strayProcesses: strays,
    findings: [],
    timeline: timeline.events,
  };
  report.findings = findingsOf(report, rules);
  return { report, keptDir: options.keep ? root : undefined };
}
