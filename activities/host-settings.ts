import type { HostSettings, HostSettingsRequest } from '../contract/activities';
import { EXACT_RULES } from '../src/exact/rules';
import type { ExactGateway } from './exact-gateway';

/** The worker's host and rules for a container's host (HostSettings in the contract says why). */
export function hostSettings(exact: ExactGateway, request: HostSettingsRequest): HostSettings {
  const found = exact.host({ host: request.host, baseUrl: request.baseUrl });
  if (!found.ok) return { known: false, problem: found.problem, rules: { ...EXACT_RULES } };
  return { known: true, key: found.host.key, simulator: found.host.simulator, rules: { ...found.host.rules } };
}
