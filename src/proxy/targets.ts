import { EXACT_HOSTS } from '../exact/hosts';
import { TARGET_CACHE_MS } from './constants';
import { containerProblem, ProxyError } from './errors';

/** Where a container reaches Exact Online: its host's base URL, and the app its chain belongs to. */
export interface ExactTarget {
  baseUrl: string;
  /** The app's name in the worker's configuration; Exact's limits are per app and company. */
  app: string;
}

/** Finds a container's target (from Temporal, in production); throws the consumer errors for unknown aliases. */
export type FindExactTarget = (alias: string) => Promise<ExactTarget>;

/** A target the proxy may send a token to. */
export interface CheckedTarget extends ExactTarget {
  origin: string;
}

export interface TargetCacheOptions {
  /** Origins besides Exact's country hosts the proxy may send tokens to (a simulator's). @default [] */
  extraOrigins?: readonly string[];
  /** How long a found target is remembered (ms). @default TARGET_CACHE_MS (5 minutes) */
  ttlMs?: number;
  /** Our clock, epoch ms. @default Date.now */
  now?: () => number;
}

const EXACT_ORIGINS = Object.values(EXACT_HOSTS).map((host) => new URL(host).origin);

/**
 * Remembers each alias's target for a while (one lookup for concurrent callers; failures are not remembered), and
 * refuses a host that is neither Exact's nor a configured simulator: a container's input must never be able to
 * send its access token elsewhere.
 */
export function createTargetCache(
  find: FindExactTarget,
  options: TargetCacheOptions = {},
): (alias: string) => Promise<CheckedTarget> {
  const allowed = new Set([...EXACT_ORIGINS, ...(options.extraOrigins ?? [])]);
  const ttlMs = options.ttlMs ?? TARGET_CACHE_MS;
  const now = options.now ?? Date.now;
  const known = new Map<string, { target: Promise<CheckedTarget>; atMs: number }>();

  async function lookUp(alias: string): Promise<CheckedTarget> {
    let target: ExactTarget;
    try {
      target = await find(alias);
    } catch (error) {
      throw containerProblem(alias, error);
    }
    const origin = URL.canParse(target.baseUrl) ? new URL(target.baseUrl).origin : target.baseUrl.slice(0, 80);
    if (!allowed.has(origin)) {
      throw new ProxyError(
        502,
        'host_not_allowed',
        `container "${alias}" names ${origin} as its Exact host, which is neither one of Exact's country hosts ` +
          'nor a configured simulator (CHAINKEEPER_SIMULATOR_ORIGINS): the proxy sends no token there.',
      );
    }
    return { ...target, baseUrl: target.baseUrl.replace(/\/+$/, ''), origin };
  }

  return (alias) => {
    const entry = known.get(alias);
    if (entry && now() - entry.atMs < ttlMs) return entry.target;
    const target = lookUp(alias);
    known.set(alias, { target, atMs: now() });
    target.catch(() => {
      if (known.get(alias)?.target === target) known.delete(alias);
    });
    return target;
  };
}
