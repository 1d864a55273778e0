import type { Command } from 'commander';
import { resolveBaseUrl } from '../../exact/hosts';
import { containerWorkflowId, dataContainer } from '../../../workflows';
import { renewAuthorizationUpdate } from '../../../workflows/container/messages';
import type { ContainerInput, RenewAuthorizationInput } from '../../../workflows/container/types';
import { checkAlias, UsageError } from '../alias';
import { withClient } from '../context';
import { readSecretArgument } from '../read-secret';

interface EnrollOptions {
  refreshToken?: string;
  code?: string;
  country?: string;
  baseUrl?: string;
  app: string;
  intervalS?: string;
}

/** Starts the container's workflow if it does not run yet, then hands it a new chain. Running it twice is safe. */
async function enroll(alias: string, options: EnrollOptions): Promise<void> {
  checkAlias(alias);
  if (Boolean(options.refreshToken) === Boolean(options.code)) {
    throw new UsageError('give exactly one of --refresh-token or --code (use - to read it from standard input).');
  }
  const grant: RenewAuthorizationInput = options.code
    ? { code: readSecretArgument(options.code) }
    : { refreshToken: readSecretArgument(options.refreshToken!) };
  const intervalS = options.intervalS === undefined ? undefined : Number(options.intervalS);
  if (intervalS !== undefined && !(Number.isFinite(intervalS) && intervalS >= 570)) {
    throw new UsageError('--interval-s must be a number of seconds, at least 570 (Exact refuses earlier refreshes).');
  }
  const input: ContainerInput = {
    alias,
    exact: { baseUrl: resolveBaseUrl({ country: options.country, baseUrl: options.baseUrl }), app: options.app },
    options: intervalS === undefined ? undefined : { refreshIntervalMs: intervalS * 1000 },
  };
  await withClient(async ({ client, taskQueue }) => {
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

export function registerEnroll(program: Command): void {
  program
    .command('enroll <alias>')
    .description("start keeping a container's chain alive from a refresh token or an authorization code")
    .option('--refresh-token <token>', 'a refresh token obtained by hand (- reads standard input, @file reads a file)')
    .option('--code <code>', 'an authorization code from the redirect (- reads standard input, @file reads a file)')
    .option('--country <country>', 'Exact Online country: nl, be, de, uk, us, fr, es')
    .option('--base-url <url>', 'Exact Online base URL instead of a country (e.g. the simulator)')
    .option('--app <name>', "the app in the worker's configuration", 'default')
    .option('--interval-s <seconds>', 'seconds between refreshes (at least 570)')
    .action(enroll);
}
