import type { Command } from 'commander';
import { consumerKeyPath, loadEnv } from '../../config/env';
import { maxMinValidityS } from '../../consumers/access-token';
import { createTokenProvider } from '../../consumers/token-provider';
import { loadConsumerKeys } from '../../crypto/consumer-keys';
import { containerWorkflowId } from '../../../workflows';
import { statusQuery } from '../../../contract/messages';
import { checkAlias } from '../alias';
import { withTemporal } from './connect';
import { secondsOption } from './option-values';
import { statusSummary } from './status-summary';

interface TokenOptions {
  json?: boolean;
  minValidity?: string;
  timeout: string;
}

/**
 * Prints the token alone (for `$(chainkeeper token acme)`) or as JSON: the one place a secret is printed, by design.
 * The container answers it sealed; this machine opens it with the consumer private key.
 */
async function printToken(alias: string, options: TokenOptions): Promise<void> {
  checkAlias(alias);
  const minValidityS =
    options.minValidity === undefined
      ? 0
      : secondsOption(options.minValidity, '--min-validity', { min: 0, max: maxMinValidityS() });
  const timeoutMs = secondsOption(options.timeout, '--timeout', { min: 0 }) * 1000;
  // Read first: without the key there is no point in waiting for a token.
  const consumerKeys = await loadConsumerKeys(consumerKeyPath(loadEnv()));
  const token = await withTemporal(({ client }) =>
    createTokenProvider(client, { minValidityS, timeoutMs, consumerKeys }).get(alias),
  );
  console.log(options.json ? JSON.stringify(token) : token.accessToken);
}

async function printStatus(alias: string, options: { json?: boolean }): Promise<void> {
  checkAlias(alias);
  const status = await withTemporal(({ client }) =>
    client.workflow.getHandle(containerWorkflowId(alias)).query(statusQuery),
  );
  console.log(options.json ? JSON.stringify(status, null, 2) : statusSummary(status));
}

export function registerInspect(program: Command): void {
  program
    .command('token <alias>')
    .description(
      "print the container's access token, opened with the consumer key (CHAINKEEPER_CONSUMER_KEY_PATH); waits (within Exact's rules) for a fresh one when --min-validity asks",
    )
    .option('--json', 'print JSON {accessToken, expiresAt, validForS}')
    .option('--min-validity <seconds>', `seconds the token must still be valid (0 to ${maxMinValidityS()})`)
    .option('--timeout <seconds>', 'give up after this many seconds of waiting', '60')
    .action(printToken);
  program
    .command('status <alias>')
    .description("print the container's status, timings, last error and counters (never a secret)")
    .option('--json', 'print the status query answer as JSON')
    .action(printStatus);
}
