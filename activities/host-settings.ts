import { EXACT_RULES, type ExactRules } from '../src/exact/rules';
import type { ExactTarget } from '../workflows/container/types';
import type { ExactGateway } from './exact-gateway';

/** What a container names as its host: a host key, or a base URL (inputs from before host keys). */
export type HostSettingsRequest = Pick<ExactTarget, 'host' | 'baseUrl'>;

/**
 * The worker's answer for a container's host, read by the workflow at the start of each run (a local activity:
 * workflows cannot read configuration). `rules` are the host's (Exact's real ones unless it is a simulator this
 * worker runs in compressed time); an unknown host gets Exact's real rules and the reason nothing is sent there.
 */
export type HostSettings =
  | { known: true; key: string; simulator: boolean; rules: ExactRules }
  | { known: false; problem: string; rules: ExactRules };

export function hostSettings(exact: ExactGateway, request: HostSettingsRequest): HostSettings {
  const found = exact.host({ host: request.host, baseUrl: request.baseUrl });
  if (!found.ok) return { known: false, problem: found.problem, rules: { ...EXACT_RULES } };
  return { known: true, key: found.host.key, simulator: found.host.simulator, rules: { ...found.host.rules } };
}
