import { EXACT_HOSTS, HOST_KEY_PATTERN, resolveBaseUrl } from './hosts';
import { EXACT_RULES, scaleRules, type ExactRules } from './rules';

/**
 * The Exact Online hosts a worker talks to, by the key a container names in its input. The worker, never the
 * input, decides where a refresh token, a client secret or a password goes: Exact's country hosts always, and a
 * simulator only when this worker's configuration names one. The same table decides which rules apply: Exact's
 * real ones on Exact's hosts, scaled ones only on a simulator the worker runs in compressed time.
 */

export { HOST_KEY_PATTERN };

/** The host key of the first simulator origin when the worker's configuration names none. */
export const DEFAULT_SIMULATOR_KEY = 'simulator';

/** A simulator this worker is configured for (CHAINKEEPER_SIMULATOR_ORIGINS). */
export interface SimulatorHost {
  /** What containers type to use it, e.g. `simulator`; never one of Exact's country keys. */
  key: string;
  /** Its base URL (an origin such as `http://127.0.0.1:8870`). */
  baseUrl: string;
  /** Fraction of real time Exact's rules run at on it (CHAINKEEPER_TIME_SCALE). @default 1 */
  timeScale?: number;
}

/** A host the worker knows, with the rules that hold there. */
export interface ExactHost {
  key: string;
  baseUrl: string;
  rules: ExactRules;
  simulator: boolean;
}

/** Where a container's input points, as the worker sees it. */
export type HostLookup = { ok: true; host: ExactHost } | { ok: false; problem: string };

/** What a container's input names: a host key, or (inputs from before host keys) a base URL. */
export interface TargetHost {
  host?: unknown;
  baseUrl?: unknown;
}

export interface HostTable {
  /** Every key a container may name, countries first. */
  readonly keys: readonly string[];
  /** The host a container's input names, or why the worker will not send anything there. */
  lookup(choice: TargetHost): HostLookup;
}

/** Base URLs compare by origin and path, without a trailing slash; anything unparsable matches nothing. */
function normalized(baseUrl: string): string | undefined {
  try {
    return resolveBaseUrl({ baseUrl });
  } catch {
    return undefined;
  }
}

/**
 * The host table of a worker: Exact's country hosts at real time, plus `simulators`. Throws a RangeError for a
 * simulator key that is malformed, repeated or one of Exact's countries (a simulator must never pose as Exact).
 */
export function createHostTable(simulators: readonly SimulatorHost[] = []): HostTable {
  const hosts = new Map<string, ExactHost>();
  for (const [key, baseUrl] of Object.entries(EXACT_HOSTS)) {
    hosts.set(key, { key, baseUrl, rules: EXACT_RULES, simulator: false });
  }
  for (const simulator of simulators) {
    if (!HOST_KEY_PATTERN.test(simulator.key)) {
      throw new RangeError(`simulator host key "${simulator.key.slice(0, 40)}" must match ${HOST_KEY_PATTERN}`);
    }
    if (hosts.has(simulator.key)) {
      throw new RangeError(
        `simulator host key "${simulator.key}" is taken (by Exact's countries or another simulator)`,
      );
    }
    const scale = simulator.timeScale ?? 1;
    hosts.set(simulator.key, {
      key: simulator.key,
      baseUrl: resolveBaseUrl({ baseUrl: simulator.baseUrl }),
      rules: scale === 1 ? EXACT_RULES : scaleRules(scale),
      simulator: true,
    });
  }
  const keys = [...hosts.keys()];
  const known = `one of ${keys.join(', ')}`;
  return {
    keys,
    lookup(choice) {
      const { host, baseUrl } = choice;
      if (host !== undefined && baseUrl !== undefined) {
        return { ok: false, problem: `give exact.host or exact.baseUrl, not both: use exact.host (${known})` };
      }
      if (typeof host === 'string') {
        const found = hosts.get(host.trim().toLowerCase());
        if (found) return { ok: true, host: found };
        // Only a key-shaped value is echoed: anything else may be a secret pasted into the wrong field.
        const shown = HOST_KEY_PATTERN.test(host) ? `"${host}"` : 'the value given';
        return { ok: false, problem: `exact.host ${shown} is not a host this worker knows: use ${known}` };
      }
      if (typeof baseUrl === 'string') {
        const wanted = normalized(baseUrl);
        const found = wanted === undefined ? undefined : [...hosts.values()].find((h) => h.baseUrl === wanted);
        if (found) return { ok: true, host: found };
        return {
          ok: false,
          problem:
            "exact.baseUrl is not one of this worker's hosts (Exact's country hosts and the simulators it is " +
            `configured for), so nothing is sent there: name the host with exact.host (${known})`,
        };
      }
      return { ok: false, problem: `exact.host must name an Exact Online host: ${known}` };
    },
  };
}
