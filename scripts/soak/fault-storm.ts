import type { FaultRule, SimulatorControl } from '../../src/simulator';
import type { Timeline } from './timeline';

/**
 * The faults of one wave on the token endpoint and /Me: 5xx, dropped connections (on the token endpoint also
 * after the refresh was processed, so the new pair is lost on the way), answers slower than the worker's HTTP
 * timeout, and 429s. Each rule gets the same probability, chosen so that the share of requests hit on a route is
 * `rate` (the injector tries a route's rules in turn).
 */
export function waveRules(rate: number, httpTimeoutMs: number): FaultRule[] {
  const timeoutDelayMs = httpTimeoutMs + 1000;
  const kinds: Record<'token' | 'me', Omit<FaultRule, 'route' | 'probability'>[]> = {
    token: [
      { kind: '5xx', status: 503 },
      { kind: 'reset' },
      { kind: 'reset', afterProcessing: true },
      { kind: 'delay', delayMs: timeoutDelayMs },
      { kind: '429' },
    ],
    me: [{ kind: '5xx', status: 503 }, { kind: 'reset' }, { kind: 'delay', delayMs: timeoutDelayMs }, { kind: '429' }],
  };
  const rules: FaultRule[] = [];
  for (const route of ['token', 'me'] as const) {
    const each = 1 - (1 - rate) ** (1 / kinds[route].length);
    for (const kind of kinds[route]) rules.push({ route, ...kind, probability: Math.round(each * 1e4) / 1e4 });
  }
  return rules;
}

/** Switches a wave of faults on the simulator on and off, and notes both in the timeline. */
export class FaultStorm {
  private on = false;

  constructor(
    private readonly control: SimulatorControl,
    private readonly timeline: Timeline,
    private readonly rules: FaultRule[],
  ) {}

  get active(): boolean {
    return this.on;
  }

  waveOn(): void {
    if (this.on) return;
    for (const rule of this.rules) this.control.addFault(rule);
    this.on = true;
    this.timeline.add('faults-on', { rules: this.rules.length });
  }

  waveOff(): void {
    if (!this.on) return;
    this.control.clearFaults();
    this.on = false;
    this.timeline.add('faults-off');
  }
}
