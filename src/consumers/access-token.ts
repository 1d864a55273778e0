import {
  isGrpcDeadlineError,
  QueryNotRegisteredError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { consumerKeyPath, loadEnv } from '../config/env';
import { loadConsumerKeys, openAccessToken } from '../crypto/consumer-keys';
import type { OrgKeyRing } from '../crypto/keys';
import { SealedBoxError } from '../crypto/seal';
import { ACCESS_TOKEN_TTL_S, EXACT_RULES, type ExactRules } from '../exact/rules';
import { accessTokenQuery, refreshNowSignal, statusQuery } from '../../contract/messages';
import { refreshAllowedAt } from '../../contract/refresh-timing';
import { containerWorkflowId, type ContainerStatus } from '../../contract/container';
import type { AccessTokenAnswer } from '../../contract/sealed';
import {
  ContainerNotFoundError,
  InvalidTokenRequestError,
  NoAccessTokenError,
  SealedTokenError,
  TokenTimeoutError,
} from './errors';

export interface AccessTokenOptions {
  /**
   * Seconds the token must still be valid when it is returned. A token never lives longer than Exact's 600 s,
   * and a fresh one loses some on the way, so at most {@link maxMinValidityS} (570 s at real time). @default 0
   */
  minValidityS?: number;
  /** How long to wait, in total, for a fresh enough token; Exact may allow the next one only minutes later. @default 60_000 */
  timeoutMs?: number;
  /** Time between status queries while a new token is on its way. @default 1000 */
  pollMs?: number;
  /** The caller's clock, epoch ms. @default Date.now */
  now?: () => number;
  /** Waits `ms`; tests pass one that moves a fake clock. @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** Exact's rules the container runs under; scaled ones in compressed-time soaks. @default EXACT_RULES */
  rules?: Readonly<ExactRules>;
  /**
   * The consumer private key(s) that open the container's sealed token (`loadConsumerKeys`). Load them once when
   * asking often. @default loaded from CHAINKEEPER_CONSUMER_KEY_PATH, else CHAINKEEPER_KEYS_DIR, on every call
   */
  consumerKeys?: OrgKeyRing;
}

/** A token, when it expires, and how many whole seconds it is still valid on the caller's clock. */
export interface FreshAccessToken {
  accessToken: string;
  /** ISO 8601. */
  expiresAt: string;
  validForS: number;
}

/** The largest `minValidityS` any token can satisfy: the token lifetime less 5% for its journey (570 s). */
export function maxMinValidityS(rules: Readonly<ExactRules> = EXACT_RULES): number {
  return rules.accessTokenTtlS - (30 * rules.accessTokenTtlS) / ACCESS_TOKEN_TTL_S;
}

type ContainerHandle = Pick<WorkflowHandle, 'query' | 'signal'>;

interface Request {
  alias: string;
  minValidityS: number;
  timeoutMs: number;
  pollMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  rules: Readonly<ExactRules>;
  deadline: number;
}

const timer = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets a gRPC call that starts just before the deadline finish, so our own timeout message wins. */
const RPC_GRACE_MS = 5000;

/**
 * The container's access token, valid for at least `minValidityS` seconds. When the current one is too close to
 * expiry, waits until Exact's 570 s rule allows a new one, asks the container to `refreshNow`, and returns the
 * new token, opened with the consumer private key. Throws ContainerNotFoundError, NoAccessTokenError (a human must
 * act first), TokenTimeoutError, SealedTokenError (this consumer lacks the key), ConsumerKeyError.
 */
export async function getAccessToken(
  client: Client,
  alias: string,
  options: AccessTokenOptions = {},
): Promise<FreshAccessToken> {
  const request = checkRequest(alias, options);
  // Before any waiting: a consumer without the key would wait for a token it cannot read.
  const keys = options.consumerKeys ?? (await loadConsumerKeys(consumerKeyPath(loadEnv())));
  const handle = client.workflow.getHandle(containerWorkflowId(alias));
  try {
    const { sealedAccessToken, expiresAt, validForS } = await client.withDeadline(request.deadline + RPC_GRACE_MS, () =>
      freshToken(handle, request),
    );
    return { accessToken: openToken(alias, keys, sealedAccessToken), expiresAt, validForS };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ContainerNotFoundError(alias);
    if (isGrpcDeadlineError(error)) {
      throw new TokenTimeoutError(alias, request.timeoutMs, 'Temporal did not answer in time; is a worker running?');
    }
    throw error;
  }
}

function checkRequest(alias: string, options: AccessTokenOptions): Request {
  const rules = options.rules ?? EXACT_RULES;
  const minValidityS = options.minValidityS ?? 0;
  const max = maxMinValidityS(rules);
  if (!(Number.isFinite(minValidityS) && minValidityS >= 0 && minValidityS <= max)) {
    throw new InvalidTokenRequestError(
      `minimum validity must be between 0 and ${max} seconds: an access token lives ${rules.accessTokenTtlS} s at most.`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
    throw new InvalidTokenRequestError('the timeout must be a number of milliseconds, 0 or more.');
  }
  const pollMs = options.pollMs ?? 1000;
  if (!(Number.isFinite(pollMs) && pollMs > 0)) {
    throw new InvalidTokenRequestError('the poll interval must be a positive number of milliseconds.');
  }
  const now = options.now ?? Date.now;
  return {
    alias,
    minValidityS,
    timeoutMs,
    pollMs,
    now,
    sleep: options.sleep ?? timer,
    rules,
    deadline: now() + timeoutMs,
  };
}

/** The token in plaintext, here at the consumer and nowhere before. */
function openToken(alias: string, keys: OrgKeyRing, sealed: AccessTokenAnswer['sealedAccessToken']): string {
  try {
    return openAccessToken(keys, sealed);
  } catch (error) {
    if (error instanceof SealedBoxError) throw new SealedTokenError(alias, error.message);
    throw error;
  }
}

type SealedFreshToken = Omit<FreshAccessToken, 'accessToken'> & Pick<AccessTokenAnswer, 'sealedAccessToken'>;

async function freshToken(handle: ContainerHandle, request: Request): Promise<SealedFreshToken> {
  const { alias, minValidityS, now } = request;
  let answer = await currentToken(handle, alias);
  for (;;) {
    if (answer) {
      const validForS = Math.floor((Date.parse(answer.expiresAt) - now()) / 1000);
      if (validForS >= minValidityS) {
        return { sealedAccessToken: answer.sealedAccessToken, expiresAt: answer.expiresAt, validForS };
      }
      await refuseWhenStuck(handle, alias);
      const allowedAt = refreshAllowedAt(Date.parse(answer.issuedAt), request.rules);
      if (allowedAt > request.deadline) {
        throw new TokenTimeoutError(
          alias,
          request.timeoutMs,
          `the current token is valid for ${Math.max(validForS, 0)} s, and Exact allows the next one only at ` +
            `${new Date(allowedAt).toISOString()}. Ask again later or allow a longer timeout.`,
        );
      }
      if (allowedAt > now()) await request.sleep(allowedAt - now());
    }
    await handle.signal(refreshNowSignal);
    answer = await nextToken(handle, request, answer);
  }
}

/** The token the container holds now, or undefined when it has none yet but is working on one. */
async function currentToken(handle: ContainerHandle, alias: string): Promise<AccessTokenAnswer | undefined> {
  try {
    return await handle.query(accessTokenQuery);
  } catch (error) {
    // The query handler refuses when there is no token; the status says whether waiting can help.
    if (!(error instanceof QueryNotRegisteredError)) throw error;
  }
  await refuseWhenStuck(handle, alias);
  return undefined;
}

/** A container that needs a human, or is paused, will not refresh however long we wait. */
async function refuseWhenStuck(handle: ContainerHandle, alias: string): Promise<ContainerStatus> {
  const status = await handle.query(statusQuery);
  if (status.status === 'needs-reauth' || status.status === 'paused') {
    throw new NoAccessTokenError(alias, status.status, status.reauthReason);
  }
  return status;
}

/** Polls the status until the chain or generation moves past `previous`, then reads the new token. */
async function nextToken(
  handle: ContainerHandle,
  request: Request,
  previous: AccessTokenAnswer | undefined,
): Promise<AccessTokenAnswer> {
  const { now, deadline } = request;
  for (;;) {
    const left = deadline - now();
    if (left <= 0) {
      const status = await handle.query(statusQuery);
      const error = status.lastError ? `; last error ${status.lastError.type}: ${status.lastError.message}` : '';
      throw new TokenTimeoutError(
        request.alias,
        request.timeoutMs,
        `the container did not deliver a new token in time (status ${status.status}${error}).`,
      );
    }
    await request.sleep(Math.min(request.pollMs, left));
    const status = await refuseWhenStuck(handle, request.alias);
    const moved =
      status.chain !== undefined &&
      status.generation !== undefined &&
      (previous === undefined || status.chain !== previous.chain || status.generation !== previous.generation);
    if (!moved) continue;
    const answer = await currentToken(handle, request.alias);
    if (answer) return answer;
  }
}
