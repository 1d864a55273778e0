import { SimulatorInputError, type Simulator, type SimApp } from '../../src/simulator';
import type { BreakHow } from './chaos';
import type { SoakContainer } from './fleet';
import type { BreakRecord } from './measure';
import { queryStatus, type Probe } from './probe';
import type { Timeline } from './timeline';

/** Breaks the chain of one healthy container not broken before, trying a few candidates. */
export function chainBreaker(settings: {
  sim: Simulator;
  app: SimApp;
  probe: Probe;
  candidates: SoakContainer[];
  breaks: BreakRecord[];
  timeline: Timeline;
}): (how: BreakHow) => Promise<void> {
  return async (how) => {
    for (let attempt = 0; attempt < 12 && settings.candidates.length > 0; attempt++) {
      const container = settings.candidates.shift() as SoakContainer;
      const status = await queryStatus(settings.probe, container).catch(() => undefined);
      if (status?.status !== 'healthy') {
        settings.candidates.push(container);
        continue;
      }
      try {
        settings.sim.control.breakChain({ clientId: settings.app.clientId, username: container.username, how });
      } catch (error) {
        if (!(error instanceof SimulatorInputError)) throw error;
        settings.candidates.push(container);
        continue;
      }
      settings.breaks.push({ alias: container.alias, userId: container.userId, how, atMs: Date.now() });
      settings.timeline.add('break', { alias: container.alias, how });
      return;
    }
    settings.timeline.add('break-skipped', { how, reason: 'no healthy container found' });
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
