/**
 * `npm run soak`: N containers at compressed time through a storm of faults, worker kills, a dev-server restart
 * and broken chains, then the five counts and a leak scan, written to soak/report.json. `--quick` is the CI form
 * (soak/report-quick.json). Exit code 0 when every goal is met, 1 when one is not, 2 for bad options, 3 when
 * the soak itself could not run.
 */
import { Command, Option } from 'commander';
import { Cleanup } from './cleanup';
import {
  checkSoakOptions,
  DAYS_SOAK,
  FULL_SOAK,
  POSTGRES_SOAK,
  quickOf,
  SoakOptionError,
  type SoakOptions,
} from './options';
import { summarize, writeReport } from './report';
import { runSoak } from './soak';

const number = (value: string): number => {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new SoakOptionError(`"${value}" is not a number`);
  return parsed;
};

const program = new Command('soak')
  .description('Soak chainkeeper: containers at compressed time through faults, kills and restarts.')
  .option('--quick', 'the short CI form (20 containers, 2 minutes)')
  .addOption(new Option('--containers <n>', `containers (default ${FULL_SOAK.containers})`).argParser(number))
  .addOption(new Option('--minutes <m>', `storm length (default ${FULL_SOAK.minutes})`).argParser(number))
  .addOption(new Option('--scale <f>', `time scale of the rules (default ${FULL_SOAK.timeScale})`).argParser(number))
  .option('--no-grace', 'Exact without grace: a refresh token is old as soon as its successor is issued')
  .addOption(new Option('--breaks <k>', `chains broken on purpose (default ${FULL_SOAK.breaks})`).argParser(number))
  .addOption(
    new Option('--fault-rate <p>', `share of requests hit in a wave (default ${FULL_SOAK.faultRate})`).argParser(
      number,
    ),
  )
  .addOption(
    new Option('--kill-every <s>', `seconds between worker kills (default ${FULL_SOAK.killEverySeconds})`).argParser(
      number,
    ),
  )
  .addOption(new Option('--dev-server-restarts <n>', 'dev-server restarts (default 1)').argParser(number))
  .addOption(new Option('--wave-on <s>', 'seconds a fault wave lasts').argParser(number))
  .addOption(new Option('--wave-off <s>', 'seconds between fault waves').argParser(number))
  .addOption(
    new Option('--http-timeout <ms>', `worker HTTP timeout (default ${FULL_SOAK.httpTimeoutMs})`).argParser(number),
  )
  .addOption(new Option('--settle <s>', 'longest wait for recovery after the storm').argParser(number))
  .addOption(new Option('--seed <n>', 'seed of every random choice').argParser(number))
  .addOption(
    new Option('--store <kind>', "the workers' store: sqlite, or postgres (1,000 containers, 2 workers, outages)")
      .choices(['sqlite', 'postgres'])
      .default('sqlite'),
  )
  .addOption(new Option('--workers <n>', 'worker processes on the task queue (postgres form: 2)').argParser(number))
  .addOption(new Option('--postgres-restarts <n>', 'PostgreSQL restarts (postgres form: 2)').argParser(number))
  .addOption(
    new Option('--read-only <s>', 'seconds PostgreSQL refuses writes, once (postgres form: 60)').argParser(number),
  )
  .addOption(new Option('--dev-server-kills <n>', 'SIGKILLs of the dev server (postgres form: 1)').argParser(number))
  .addOption(new Option('--clock-offset <ms>', "Exact's clock ahead of ours (postgres form: 60000)").argParser(number))
  .addOption(
    new Option(
      '--days <d>',
      'simulated days (200 containers at 1/500 of real time; the storm lasts d × 2.9 min)',
    ).argParser(number),
  )
  .addOption(
    new Option(
      '--refresh-interval <s>',
      "containers' refresh interval in simulated seconds (days form: 7200)",
    ).argParser(number),
  )
  .addOption(new Option('--cycles-per-run <n>', 'cycles before continue-as-new (days form: 10)').argParser(number))
  .option('--keep', 'keep the work directory for `npm run leak-scan -- --dir <dir>`')
  .option('--report <file>', 'where the report goes');

interface Flags {
  quick?: boolean;
  containers?: number;
  minutes?: number;
  scale?: number;
  grace: boolean;
  breaks?: number;
  faultRate?: number;
  killEvery?: number;
  devServerRestarts?: number;
  waveOn?: number;
  waveOff?: number;
  httpTimeout?: number;
  settle?: number;
  seed?: number;
  keep?: boolean;
  report?: string;
  store: 'sqlite' | 'postgres';
  workers?: number;
  postgresRestarts?: number;
  readOnly?: number;
  devServerKills?: number;
  clockOffset?: number;
  days?: number;
  refreshInterval?: number;
  cyclesPerRun?: number;
}

function optionsFrom(flags: Flags): SoakOptions {
  const form = flags.days !== undefined ? DAYS_SOAK : flags.store === 'postgres' ? POSTGRES_SOAK : FULL_SOAK;
  const base = flags.quick ? quickOf(form) : form;
  const scale = flags.scale ?? base.timeScale;
  // Days set the storm's length at the time scale, unless --minutes says otherwise.
  const daysMinutes = flags.days !== undefined ? (flags.days * 86_400 * scale) / 60 : undefined;
  const pick = <K extends keyof SoakOptions>(value: SoakOptions[K] | undefined, key: K): SoakOptions[K] =>
    value === undefined ? base[key] : value;
  return checkSoakOptions({
    ...base,
    containers: pick(flags.containers, 'containers'),
    minutes: pick(flags.minutes ?? daysMinutes, 'minutes'),
    timeScale: pick(flags.scale, 'timeScale'),
    grace: flags.grace,
    breaks: pick(flags.breaks, 'breaks'),
    faultRate: pick(flags.faultRate, 'faultRate'),
    killEverySeconds: pick(flags.killEvery, 'killEverySeconds'),
    devServerRestarts: pick(flags.devServerRestarts, 'devServerRestarts'),
    waveOnSeconds: pick(flags.waveOn, 'waveOnSeconds'),
    waveOffSeconds: pick(flags.waveOff, 'waveOffSeconds'),
    httpTimeoutMs: pick(flags.httpTimeout, 'httpTimeoutMs'),
    settleSeconds: pick(flags.settle, 'settleSeconds'),
    seed: pick(flags.seed, 'seed'),
    keep: flags.keep ?? false,
    reportFile: pick(flags.report, 'reportFile'),
    store: flags.store,
    workers: pick(flags.workers, 'workers'),
    postgresRestarts: pick(flags.postgresRestarts, 'postgresRestarts'),
    readOnlySeconds: pick(flags.readOnly, 'readOnlySeconds'),
    devServerKills: pick(flags.devServerKills, 'devServerKills'),
    clockOffsetMs: pick(flags.clockOffset, 'clockOffsetMs'),
    days: pick(flags.days, 'days'),
    refreshIntervalS: pick(flags.refreshInterval, 'refreshIntervalS'),
    cyclesPerRun: pick(flags.cyclesPerRun, 'cyclesPerRun'),
  });
}

let options: SoakOptions;
try {
  program.parse();
  options = optionsFrom(program.opts<Flags>());
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}

const cleanup = new Cleanup();
let exiting = false;
const abort = (why: string, code: number) => {
  if (exiting) return;
  exiting = true;
  console.error(`soak: ${why}; stopping every process it started`);
  const force = setTimeout(() => process.exit(code), 60_000);
  force.unref();
  void cleanup.runAll().finally(() => process.exit(code));
};
process.once('SIGINT', () => abort('interrupted', 130));
process.once('SIGTERM', () => abort('terminated', 143));
process.once('SIGHUP', () => abort('hung up', 129));
// A throw in an event handler would otherwise end the process at once and orphan the worker and dev server.
// While stopping, calls still in flight fail as their connections close: expected, not news.
process.on('uncaughtException', (error) => {
  if (exiting) return;
  console.error('soak: unexpected error:', error);
  abort('crashed', 3);
});
process.on('unhandledRejection', (reason) => {
  if (exiting) return;
  console.error('soak: unexpected rejection:', reason);
  abort('crashed', 3);
});
// However the storm goes, the run ends: storm, settle and half an hour for setup, measuring and the leak scan,
// plus 4 s per container for enrolling and measuring each (a 7-day run of 200 containers on a loaded machine
// took 730 s to enroll and was still measuring when a flat half hour ran out).
const watchdog = setTimeout(
  () => abort('took too long', 3),
  (options.minutes * 60 + options.settleSeconds + 1800 + 4 * options.containers) * 1000,
);
watchdog.unref();

async function soak(): Promise<number> {
  try {
    const { report, keptDir } = await runSoak(options, cleanup);
    await cleanup.runAll();
    writeReport(options.reportFile, report);
    console.log(summarize(report, options.reportFile));
    if (keptDir) console.log(`work directory kept: ${keptDir} (npm run leak-scan -- --dir ${keptDir})`);
    return report.passed ? 0 : 1;
  } catch (error) {
    if (exiting) return 3;
    console.error('soak: the run failed:', error);
    // Its logs are the evidence: the work directory (first line of the soak's output) stays.
    cleanup.cancel('work directory');
    await cleanup.runAll();
    return 3;
  }
}

const code = await soak();
// An interrupted run fails on its way down; abort() is stopping everything and sets the exit code itself.
if (!exiting) process.exit(code);
