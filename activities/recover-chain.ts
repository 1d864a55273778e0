import { randomBytes } from 'node:crypto';
import { LoginFailedError, LoginInputError, loginAndAuthorize } from '../src/browser';
import { CredentialsError, openCredentials } from '../src/credentials/credentials';
import type { LoginFacts } from '../workflows/failure-types';
import type { RecoveryInput } from '../workflows/container/types';
import type { CredentialsDeps } from './credentials';
import type { ExactGateway } from './exact-gateway';
import { chainkeeperFailure, FAILURE_TYPES } from './failures';
import { exchangeCode } from './start-chain';
import type { ChainSnapshot } from './types';

/** How the worker runs browser logins. */
export interface RecoverySettings {
  /** Chromium to launch. @default chromiumPath() ($CHROMIUM_PATH or /usr/bin/chromium) */
  chromiumPath?: string;
  /** Folder for screenshots of failed logins (inputs blanked). @default none */
  evidenceDir?: string;
  /** Real time one login may take. @default 60_000 */
  loginTimeoutMs?: number;
}

export interface RecoveryDeps extends CredentialsDeps {
  exact: ExactGateway;
  recovery?: RecoverySettings;
}

export interface RecoveryResult {
  chain: ChainSnapshot;
  /** The TOTP step whose code was submitted; the next login must use a later one. */
  totpStep?: number;
  loginMs: number;
}

function loginFailure(error: LoginFailedError): ReturnType<typeof chainkeeperFailure> {
  const login: LoginFacts = { step: error.step, reason: error.reason, retryable: error.retryable };
  if (error.pageError) login.pageError = error.pageError;
  if (error.screenshotPath) login.screenshotPath = error.screenshotPath;
  if (error.totpStep !== undefined) login.totpStep = error.totpStep;
  return chainkeeperFailure(FAILURE_TYPES.loginFailed, error.message, { login, tokenCallMade: false });
}

/**
 * Heals a broken chain: opens the sealed credentials (here only), logs in to Exact in headless Chromium with a
 * fresh TOTP code, exchanges the authorization code, and stores generation 1 of the new chain.
 */
export async function recoverChain(deps: RecoveryDeps, input: RecoveryInput): Promise<RecoveryResult> {
  const sealed = await deps.vault.getCredentials(input.alias, new Date(deps.now()));
  if (!sealed) {
    throw chainkeeperFailure(FAILURE_TYPES.noCredentials, `container ${input.alias} has no valid credentials.`, {
      tokenCallMade: false,
    });
  }
  if (!deps.keys) {
    throw chainkeeperFailure(FAILURE_TYPES.noCredentials, 'this worker has no organization key to open credentials.');
  }
  let credentials;
  try {
    credentials = openCredentials(deps.keys, { sealedBox: sealed.sealedBox, keyId: sealed.keyId });
  } catch (error) {
    const message = error instanceof CredentialsError ? error.message : 'the stored credentials cannot be opened.';
    throw chainkeeperFailure(FAILURE_TYPES.noCredentials, message);
  }
  const state = randomBytes(16).toString('hex');
  const urls = deps.exact.loginUrls(input.exact, state);
  if (!urls) {
    throw chainkeeperFailure(
      FAILURE_TYPES.misconfigured,
      `no app named "${input.exact.app}" in the worker's configuration.`,
    );
  }
  let login;
  try {
    login = await loginAndAuthorize({
      ...urls,
      credentials,
      profile: input.exact.loginProfile ?? 'legacyExact',
      chromiumPath: deps.recovery?.chromiumPath,
      timeoutMs: deps.recovery?.loginTimeoutMs,
      screenshotDir: deps.recovery?.evidenceDir,
      lastUsedTotpStep: input.lastTotpStep,
      now: deps.now,
    });
  } catch (error) {
    if (error instanceof LoginFailedError) {
      deps.log.warn({ alias: input.alias, step: error.step, reason: error.reason }, 'recovery login failed');
      throw loginFailure(error);
    }
    if (error instanceof LoginInputError) {
      // A bad username, password or TOTP secret needs new credentials; anything else is the worker's setup.
      const credential = ['username', 'password', 'totpSecret'].includes(error.field);
      throw chainkeeperFailure(credential ? FAILURE_TYPES.noCredentials : FAILURE_TYPES.misconfigured, error.message);
    }
    throw error;
  }
  const chain = await exchangeCode(deps, { alias: input.alias, exact: input.exact, code: login.code });
  await deps.vault.appendAudit(input.alias, {
    kind: 'recovered',
    at: new Date(deps.now()),
    detail: `new chain from an automatic login in ${Math.round(login.durationMs)} ms`,
    chain: chain.chain,
    generation: chain.generation,
  });
  deps.log.info({ alias: input.alias, chain: chain.chain, loginMs: Math.round(login.durationMs) }, 'chain recovered');
  return { chain, totpStep: login.totpStep, loginMs: login.durationMs };
}
