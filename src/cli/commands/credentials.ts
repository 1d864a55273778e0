import type { Command } from 'commander';
import { CredentialsError, sealCredentials } from '../../credentials/credentials';
import { loadOrgKeys, type OrgKey } from '../../crypto/keys';
import { containerWorkflowId } from '../../../workflows';
import { enrollCredentialsUpdate, forgetCredentialsUpdate } from '../../../contract/messages';
import { checkAlias, UsageError } from '../alias';
import { withTemporal } from './connect';
import { readCredentials, type CredentialsSource } from './credentials-input';
import { registerRecover, verifyLogin } from './recover';
import { keysDirectory } from './option-values';
import { sealingKey, type SealingKeyOptions } from './sealing-key';

/*
 * Credentials are validated and sealed to the organization's public key on this machine; only the sealed box
 * travels. A machine that holds just the public key file (or is given the key on the command line) can seal.
 */

interface SealOptions extends CredentialsSource, SealingKeyOptions {}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Validation failures say which field is wrong and that nothing left this machine. */
async function validCredentials(source: CredentialsSource): ReturnType<typeof readCredentials> {
  try {
    return await readCredentials(source);
  } catch (error) {
    if (error instanceof CredentialsError) {
      throw new CredentialsError(error.field, `${error.message} Nothing was sealed or sent.`);
    }
    throw error;
  }
}

async function currentKey(): Promise<OrgKey> {
  return (await loadOrgKeys(keysDirectory(undefined))).current;
}

async function setCredentials(alias: string, options: CredentialsSource & { verify?: boolean }): Promise<void> {
  checkAlias(alias);
  const key = await currentKey();
  await withTemporal(async ({ client }) => {
    const handle = client.workflow.getHandle(containerWorkflowId(alias));
    // Checked before asking, so nobody types a password for a misspelt alias.
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') {
      throw new UsageError(`container "${alias}" is not running (${status.name.toLowerCase()}): enroll it first.`);
    }
    const sealed = sealCredentials(key, await validCredentials(options));
    const stored = await handle.executeUpdate(enrollCredentialsUpdate, { args: [sealed] });
    printStored(alias, key.keyId, stored.expiresAt);
    // While the admin is here: a wrong password shows up now, not on the day a chain breaks.
    if (options.verify) await verifyLogin(client, alias);
  });
}

function printStored(alias: string, keyId: string, expiresAt: string | undefined): void {
  const expiry = expiresAt
    ? `they are deleted at ${expiresAt} (in ${Math.round((Date.parse(expiresAt) - Date.now()) / DAY_MS)} days); enter them again before then to keep auto-recovery on.`
    : 'the container gave no expiry.';
  console.log(`${alias}: credentials sealed to key ${keyId} and stored; ${expiry}`);
}

async function sealOnly(options: SealOptions): Promise<void> {
  const key = await sealingKey(options);
  const { sealedBox, keyId } = sealCredentials(key, await validCredentials(options));
  console.log(JSON.stringify({ sealedBox, keyId }));
  console.error(
    `Sealed to key ${keyId}. Paste the JSON above into the container's "enrollCredentials" update in the Web UI.`,
  );
}

async function forgetCredentials(alias: string): Promise<void> {
  checkAlias(alias);
  await withTemporal(({ client }) =>
    client.workflow.getHandle(containerWorkflowId(alias)).executeUpdate(forgetCredentialsUpdate, { args: [] }),
  );
  console.log(`${alias}: credentials deleted; auto-recovery stays off until they are entered again.`);
}

export function registerCredentials(program: Command): void {
  const credentials = program
    .command('credentials')
    .description('enter, seal or forget the Exact Online login used for auto-recovery (sealed, never sent in clear)');
  const sourceOptions = (command: Command): Command =>
    command
      .option('--from-file <file>', 'read JSON {"username","password","totpSecret"} from a file instead of asking')
      .option('--stdin', 'read that JSON from standard input instead of asking');
  sourceOptions(
    credentials
      .command('set <alias>')
      .description('ask for (or read) the login, seal it to the current organization key and store it in the container')
      .option('--verify', 'then log in once now, printing each step (a wrong password shows up at once)'),
  ).action(setCredentials);
  sourceOptions(
    credentials
      .command('seal')
      .description('print {"sealedBox","keyId"} to paste into the Web UI\'s enrollCredentials update')
      .option('--public-key <base64>', "seal to this public key instead of the key directory's current one")
      .option('--key-id <id>', 'the id of that key (checked against it), or of a key in the key directory'),
  ).action(sealOnly);
  credentials
    .command('forget <alias>')
    .description("delete the container's stored credentials now")
    .action(forgetCredentials);
  registerRecover(program, credentials);
}
