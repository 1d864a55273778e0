import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadEnv } from '../../config/env';
import { sealCredentials } from '../../credentials/credentials';
import { sealRefreshToken } from '../../credentials/refresh-token';
import { loadOrgKeys, OrgKeyError } from '../../crypto/keys';
import { enrollRows } from '../../enrollment/apply';
import { createTemporalContainerAdmin } from '../../enrollment/container-admin';
import { enrollmentFileFormat, readEnrollmentFile } from '../../enrollment/enrollment-file';
import { createProgressReporter } from '../../enrollment/progress';
import type { CredentialSealer } from '../../enrollment/rows';
import { anyRowFailed, renderSummary, summarize } from '../../enrollment/summary';
import { hostTarget } from '../../exact/hosts';
import { MIN_REFRESH_INTERVAL_S } from '../../exact/rules';
import { containerWorkflowId, dataContainer } from '../../../workflows';
import { renewAuthorizationUpdate } from '../../../contract/messages';
import type { ContainerInput, ContainerOptions } from '../../../contract/container';
import type { RenewAuthorizationInput, SealedRefreshTokenInput } from '../../../contract/sealed';
import { checkAlias, UsageError } from '../alias';
import { readSecretArgument } from '../read-secret';
import { withTemporal } from './connect';
import { sealRefreshTokenArgument } from './seal';
import { secondsOption } from './option-values';

interface EnrollOptions {
  refreshToken?: string;
  code?: string;
  country?: string;
  host?: string;
  baseUrl?: string;
  app: string;
  intervalS?: string;
  dryRun?: boolean;
  concurrency?: string;
  renew?: boolean;
  replaceCredentials?: boolean;
  json?: boolean;
}

const ONE_ALIAS_ONLY = {
  refreshToken: '--refresh-token',
  code: '--code',
  country: '--country',
  host: '--host',
  baseUrl: '--base-url',
};
const FILE_ONLY = {
  dryRun: '--dry-run',
  concurrency: '--concurrency',
  renew: '--renew',
  replaceCredentials: '--replace-credentials',
  json: '--json',
};

function refuseOptions(options: EnrollOptions, names: Record<string, string>, why: string): void {
  const given = Object.entries(names).filter(([key]) => options[key as keyof EnrollOptions] !== undefined);
  if (given.length > 0) throw new UsageError(`${given.map(([, flag]) => flag).join(', ')} ${why}`);
}

function containerOptions(intervalS: string | undefined): ContainerOptions | undefined {
  if (intervalS === undefined) return undefined;
  // Exact refuses a refresh within 570 s of the last one.
  return { refreshIntervalMs: secondsOption(intervalS, '--interval-s', { min: MIN_REFRESH_INTERVAL_S }) * 1000 };
}

/** Starts the container's workflow if it does not run yet, then hands it a new chain. Running it twice is safe. */
async function enrollOne(alias: string, options: EnrollOptions): Promise<void> {
  checkAlias(alias);
  refuseOptions(options, FILE_ONLY, 'can only be used with a .csv or .json file of containers.');
  if (Boolean(options.refreshToken) === Boolean(options.code)) {
    throw new UsageError('give exactly one of --refresh-token or --code (use - to read it from standard input).');
  }
  // A refresh token is sealed to the organization key here: update input stays in history, readable by admins.
  const grant: RenewAuthorizationInput = options.code
    ? { code: readSecretArgument(options.code) }
    : sealRefreshTokenArgument((await loadOrgKeys(loadEnv().CHAINKEEPER_KEYS_DIR)).current, options.refreshToken!);
  const input: ContainerInput = {
    alias,
    // A host key: the worker maps it to a base URL from its own configuration.
    exact: {
      ...hostTarget({ country: options.country, host: options.host, baseUrl: options.baseUrl }),
      app: options.app,
    },
    options: containerOptions(options.intervalS),
  };
  await withTemporal(async ({ client, taskQueue }) => {
    const handle = await client.workflow.start(dataContainer, {
      taskQueue,
      workflowId: containerWorkflowId(alias),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Exact Online chain of ${alias}`,
    });
    const status = await handle.executeUpdate(renewAuthorizationUpdate, { args: [grant] });
    console.log(`${alias}: ${status.status}, chain ${status.chain} generation ${status.generation}`);
  });
}

/** Seals with the organization's current public key; without a usable key, only rows with credentials fail. */
async function credentialSealer(keysDir: string): Promise<CredentialSealer> {
  try {
    const { current } = await loadOrgKeys(keysDir);
    return (credentials) => sealCredentials(current, credentials);
  } catch (error) {
    if (!(error instanceof OrgKeyError)) throw error;
    return () => {
      throw error;
    };
  }
}

/** Seals refresh tokens with the organization's current public key; without a usable key, only those rows fail. */
async function refreshTokenSealer(keysDir: string): Promise<(refreshToken: string) => SealedRefreshTokenInput> {
  try {
    const { current } = await loadOrgKeys(keysDir);
    return (refreshToken) => sealRefreshToken(current, refreshToken);
  } catch (error) {
    if (!(error instanceof OrgKeyError)) throw error;
    return () => {
      throw error;
    };
  }
}

/** Bulk enrollment: every row of the file, idempotently; bad rows are reported and the good ones enrolled. */
async function enrollFile(path: string, options: EnrollOptions): Promise<void> {
  refuseOptions(options, ONE_ALIAS_ONLY, 'cannot be used with a file: it gives them per row (see `enroll --help`).');
  const concurrency = Number(options.concurrency ?? 16);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError('--concurrency must be a whole number from 1 to 256.');
  }
  const startOptions = containerOptions(options.intervalS);
  const seal = await credentialSealer(loadEnv().CHAINKEEPER_KEYS_DIR);
  const sealToken = await refreshTokenSealer(loadEnv().CHAINKEEPER_KEYS_DIR);
  const file = await readEnrollmentFile(path, { seal, defaultApp: options.app });
  const results =
    file.rows.length === 0
      ? []
      : await withTemporal(async ({ client, taskQueue }) => {
          const progress = createProgressReporter(
            file.rows.length,
            process.stderr,
            options.dryRun ? 'checking' : 'enrolling',
          );
          try {
            const admin = createTemporalContainerAdmin(client, taskQueue, { sealRefreshToken: sealToken });
            return await enrollRows(file.rows, admin, {
              concurrency,
              dryRun: options.dryRun,
              renew: options.renew,
              replaceCredentials: options.replaceCredentials,
              containerOptions: startOptions,
              onProgress: (_result, done) => progress.update(done),
            });
          } finally {
            progress.stop();
          }
        });
  const summary = summarize(results, file.problems);
  if (options.json) {
    console.log(JSON.stringify({ counts: summary.counts, rows: results, problems: file.problems }, null, 2));
  } else {
    console.log(renderSummary(summary, { dryRun: options.dryRun }));
  }
  if (anyRowFailed(summary)) process.exitCode = 1;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

async function enroll(target: string, options: EnrollOptions): Promise<void> {
  // An alias may end in ".csv" too: only a name given without a token is taken for a missing file.
  const named = enrollmentFileFormat(target) !== undefined;
  if (named && isFile(target)) return enrollFile(target, options);
  if (named && !options.refreshToken && !options.code) throw new UsageError(`no such file: ${target}`);
  return enrollOne(target, options);
}

const FILE_HELP = `
A file of containers (.csv with a header row, or .json: an array of objects) enrolls them in bulk. Columns:
  alias                   the container's name (letters, digits, ".", "_", "-")
  country | host         an Exact country (nl, be, de, uk, com, us, fr, es), or a host key the worker
                          defines (simulator); one of the two (baseUrl, older files: an Exact host's URL)
  app                     the app in the worker's configuration (default: --app)
  refreshToken | code     a refresh token (sealed to the organization key before it is sent) or an
                          authorization code (one of the two)
  username, password, totpSecret
                          optional login credentials for auto-recovery, all three or none; sealed to the
                          organization's public key (CHAINKEEPER_KEYS_DIR) as the file is read
CSV: "," ";" or tab separated, UTF-8 (a byte order mark is fine), blank lines and lines starting with # are
skipped; quote a value that holds the separator, a quote or surrounding spaces.
Idempotent: a running container with a chain is left alone (use --renew to replace its chain); credentials go
only to containers without them (use --replace-credentials). Exits with 1 when any row was invalid or failed.`;

export function registerEnroll(program: Command): void {
  program
    .command('enroll <alias|file>')
    .description(
      "start keeping a container's chain alive from a refresh token or an authorization code, or enroll every row of a .csv or .json file",
    )
    .option(
      '--refresh-token <token>',
      'a refresh token obtained by hand, sealed to the organization key before it is sent (- reads standard input, @file reads a file)',
    )
    .option('--code <code>', 'an authorization code from the redirect (- reads standard input, @file reads a file)')
    .option('--country <country>', 'Exact Online country: nl, be, de, uk, com, us, fr, es')
    .option('--host <key>', "instead of a country, a host key of the worker's configuration (e.g. simulator)")
    .option('--base-url <url>', "deprecated: a base URL, taken only when it is one of the worker's hosts")
    .option('--app <name>', "the app in the worker's configuration", 'default')
    .option('--interval-s <seconds>', 'seconds between refreshes (at least 570), for containers started now')
    .option('--dry-run', 'file: check every row and look the containers up, change nothing')
    .option('--concurrency <n>', 'file: rows enrolled at once (default 16)')
    .option('--renew', 'file: also send the grant to containers that already have a chain')
    .option('--replace-credentials', 'file: also send credentials to containers that already hold some')
    .option('--json', 'file: print the outcome of every row as JSON instead of tables')
    .addHelpText('after', FILE_HELP)
    .action(enroll);
}
