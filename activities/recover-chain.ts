import { randomBytes } from 'node:crypto';
import { LoginFailedError, LoginInputError, loginAndAuthorize, type LoginPageFactory } from '../src/browser';
import { CredentialsError, openCredentials } from '../src/credentials/credentials';
import type { RecoveryInput, RecoveryResult } from '../contract/activities';
import { FAILURE_TYPES, type LoginFacts } from '../contract/failures';
import type { CredentialsDeps } from './credentials';
import type { ExactGateway } from './exact-gateway';
import { chainkeeperFailure } from './failures';
import { refuseUnknownHost } from './host-guard';
import type { LoginProgress } from './login-progress';
import { exchangeCode } from './start-chain';

/** How the worker runs browser logins. */
export interface RecoverySettings {
  /** Chromium to launch. @default chromiumPath() ($CHROMIUM_PATH or /usr/bin/chromium) */
  chromiumPath?: string;
  /** Folder for screenshots of failed logins (inputs blanked). @default none */
  evidenceDir?: string;
  /** Real time one login may take. @default 60_000 */
  loginTimeoutMs?: number;
  /** Test seam: drive the login pages with this instead of Chromium. @default Chromium */
  pageDriver?: LoginPageFactory;
}

export interface RecoveryDeps extends CredentialsDeps {
  exact: ExactGateway;
  recovery?: RecoverySettings;
}

function loginFailure(error: LoginFailedError): ReturnType<typeof chainkeeperFailure> {
  const login: LoginFacts = { step: error.step, reason: error.reason, retryable: error.retryable };
  if (error.pageError) login.pageError = error.pageError;
  if (error.screenshotPath) login.screenshotPath = error.screenshotPath;
  if (error.totpStep !== undefined) login.totpStep = error.totpStep;
  if (error.unconfirmedSubmit !== undefined) login.unconfirmedSubmit = error.unconfirmedSubmit;
  return chainkeeperFailure(FAILURE_TYPES.loginFailed, error.message, { login, tokenCallMade: false });
}

/** An earlier login submitted `step` with this entry and never saw it confirmed: refuse before opening a page. */
function unconfirmedEarlierSubmit(alias: string, pending: { step: string; at: Date }) {
  return chainkeeperFailure(
    FAILURE_TYPES.loginFailed,
    `an earlier login of ${alias} submitted the ${pending.step} step at ${pending.at.toISOString()} and never saw ` +
      'the next page (the worker stopped, or the page was not understood). The credentials are on hold so a ' +
      'wrong password is not tried twice: re-enter them, or ask for one more try (`chainkeeper recover`).',
    {
      login: { step: pending.step, reason: 'submit-unconfirmed', retryable: false, unconfirmedSubmit: pending.step },
      tokenCallMade: false,
    },
  );
}

/**
 * Heals a broken chain: opens the sealed credentials (here only), logs in to Exact in headless Chromium with a
 * fresh TOTP code, exchanges the authorization code, and stores generation 1 of the new chain.
 */
export async function recoverChain(
  deps: RecoveryDeps,
  input: RecoveryInput,
  progress?: LoginProgress,
): Promise<RecoveryResult> {
  // Before the credentials are even read: a password goes only to a host the worker knows.
  refuseUnknownHost(deps.exact, input.alias, input.exact);
  const sealed = await deps.vault.getCredentials(input.alias, new Date(deps.now()));
  if (!sealed) {
    throw chainkeeperFailure(FAILURE_TYPES.noCredentials, `container ${input.alias} has no valid credentials.`, {
      tokenCallMade: false,
    });
  }
  // The durable half of the lockout invariant: a worker that died right after a submit left this mark.
  const entry = { alias: input.alias, enteredAt: sealed.enteredAt };
  if (sealed.submitPending) {
    if (!input.adminAsked) throw unconfirmedEarlierSubmit(input.alias, sealed.submitPending);
    await deps.vault.clearSubmitPending(entry);
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
  const clock = deps.exact.clock;
  let login;
  try {
    login = await loginAndAuthorize({
      ...urls,
      credentials,
      profile: input.exact.loginProfile ?? 'auto',
      chromiumPath: deps.recovery?.chromiumPath,
      timeoutMs: deps.recovery?.loginTimeoutMs,
      screenshotDir: deps.recovery?.evidenceDir,
      lastUsedTotpStep: input.lastTotpStep,
      // Codes are made for Exact's clock, learned from the Date headers of its answers and login pages.
      now: () => deps.now() + clock.offsetMs(),
      driver: deps.recovery?.pageDriver,
      hooks: {
        async beforeSubmit(step) {
          // Durable before the click: if this worker dies after it, the entry stays suspect. A user name alone
          // cannot count toward a lockout, so it needs no mark.
          if (step !== 'username' && !(await deps.vault.markSubmitPending(entry, step, new Date(deps.now())))) {
            throw new Error('the credentials were replaced or deleted during the login');
          }
          progress?.submitting(step);
        },
        async confirmed(step) {
          await deps.vault.clearSubmitPending(entry);
          progress?.confirmed(step);
        },
        stepPassed: (step) => progress?.passed(step),
        serverDate: (serverMs) => clock.observeMs(serverMs, deps.now()),
      },
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
  return { chain, steps: [...login.steps], totpStep: login.totpStep, loginMs: login.durationMs };
}
