import type { Command } from 'commander';
import { RefreshTokenError, sealRefreshToken } from '../../credentials/refresh-token';
import type { OrgKey } from '../../crypto/keys';
import type { SealedRefreshTokenInput } from '../../../contract/sealed';
import { UsageError } from '../alias';
import { readSecretArgument } from '../read-secret';
import { sealingKey, type SealingKeyOptions } from './sealing-key';

/*
 * `renewAuthorization` input stays in the workflow's history, which every admin with the codec server reads; the
 * workflow refuses a refresh token in plaintext. This seals one to the organization key for the Web UI's dialog.
 */

interface SealOptions extends SealingKeyOptions {
  refreshToken?: string;
}

/** Reads (`-`, `@file` or the value) and seals a refresh token; a bad one is named, never echoed, and not sent. */
export function sealRefreshTokenArgument(
  key: Pick<OrgKey, 'keyId' | 'publicKey'>,
  argument: string,
): SealedRefreshTokenInput {
  try {
    return sealRefreshToken(key, readSecretArgument(argument));
  } catch (error) {
    if (!(error instanceof RefreshTokenError)) throw error;
    throw new RefreshTokenError(`${error.message} Nothing was sealed or sent.`);
  }
}

async function seal(options: SealOptions): Promise<void> {
  if (options.refreshToken === undefined) {
    throw new UsageError('give --refresh-token (- reads standard input, @file reads a file).');
  }
  const key = await sealingKey(options);
  const sealed = sealRefreshTokenArgument(key, options.refreshToken);
  console.log(JSON.stringify(sealed));
  console.error(
    `Sealed to key ${sealed.keyId}. Paste the JSON above into the container's "renewAuthorization" update in the Web UI.`,
  );
}

export function registerSeal(program: Command): void {
  program
    .command('seal')
    .description(
      'print {"sealedRefreshToken","keyId"}: a refresh token sealed to the organization key, for the Web UI\'s renewAuthorization update',
    )
    .option('--refresh-token <token>', 'the refresh token (- reads standard input, @file reads a file)')
    .option('--public-key <base64>', "seal to this public key instead of the key directory's current one")
    .option('--key-id <id>', 'the id of that key (checked against it), or of a key in the key directory')
    .action(seal);
}
