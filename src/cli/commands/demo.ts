import type { Command } from 'commander';
import { loadEnv } from '../../config/env';
import { MIN_REFRESH_INTERVAL_S } from '../../exact/rules';
import { DEMO_APP_ID, DEMO_CONTAINERS, demoUsername } from '../../simulator/demo';
import { UsageError } from '../alias';

/** How the chain is broken; the same words as the simulator's control API. */
export const BREAK_KINDS = ['rotate', 'invalidate', 'expire'] as const;
export type BreakKind = (typeof BREAK_KINDS)[number];

const WHAT_HAPPENED: Record<BreakKind, string> = {
  rotate: 'someone else refreshed it, so its refresh token is now old',
  invalidate: 'Exact no longer knows it: invalid chainId',
  expire: 'its refresh token idled past 30 days',
};

/** A control request should answer at once; a simulator that does not is not there. */
const CONTROL_TIMEOUT_MS = 10_000;

export interface DemoBreakInput {
  /** The simulator's base URL, e.g. `http://127.0.0.1:8870`. */
  simulatorUrl: string;
  alias: string;
  /** @default 'rotate' */
  how?: BreakKind;
  /** The Web UI's URL, named in the line printed. @default none */
  uiUrl?: string;
  /** The compressed-time factor the demo runs at (CHAINKEEPER_TIME_SCALE). @default 1 */
  timeScale?: number;
}

/**
 * Breaks a demo container's chain through the simulator's control API, and returns one line saying what was
 * done and what to watch. The container notices at its next refresh: with credentials it recovers by itself
 * in a `recovery/<alias>/<n>` child, without them it waits in needs-reauth.
 */
export async function breakDemoChain(input: DemoBreakInput): Promise<string> {
  const demo = DEMO_CONTAINERS.find((container) => container.alias === input.alias);
  if (demo === undefined) {
    const aliases = DEMO_CONTAINERS.map((container) => container.alias).join(', ');
    throw new UsageError(`"${input.alias.slice(0, 60)}" is not a demo container: use one of ${aliases}.`);
  }
  const how = input.how ?? 'rotate';
  const url = new URL('/_sim/chains/break', input.simulatorUrl);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: DEMO_APP_ID, username: demoUsername(demo.alias), how }),
      signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
    });
  } catch (error) {
    const why = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    throw new Error(
      `cannot reach the simulator at ${url.origin}${why}: is \`npm start\` running? (SIMULATOR_HOST, SIMULATOR_PORT)`,
      { cause: error },
    );
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    throw new Error(`the simulator did not break ${demo.alias}'s chain: ${reason}. Has \`npm start\` enrolled it?`);
  }
  const within = `within ${formatMinutes((MIN_REFRESH_INTERVAL_S * (input.timeScale ?? 1)) / 60)}`;
  const where = input.uiUrl === undefined ? 'the Web UI' : `the Web UI (${input.uiUrl})`;
  const watch = demo.credentials
    ? `watch the child recovery/${demo.alias}/<n> in ${where}: the status goes recovering → healthy on a new chain.`
    : `its status goes to needs-reauth in ${where} (it has no credentials; demo-3 has and heals itself).`;
  return `${demo.alias}: chain broken on the simulator (${WHAT_HAPPENED[how]}); at its next refresh (${within}) ${watch}`;
}

function formatMinutes(minutes: number): string {
  return minutes >= 1 ? `${Number(minutes.toFixed(1))} minutes` : `${Math.ceil(minutes * 60)} seconds`;
}

/** The simulator `npm start` runs, as this machine reaches it (a wildcard interface is reached on loopback). */
function simulatorUrlFromEnv(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function demoBreakCommand(alias: string, options: { how: string }): Promise<void> {
  if (!(BREAK_KINDS as readonly string[]).includes(options.how)) {
    throw new UsageError(`--how must be one of ${BREAK_KINDS.join(', ')}, not "${options.how.slice(0, 30)}".`);
  }
  const env = loadEnv();
  const line = await breakDemoChain({
    simulatorUrl: simulatorUrlFromEnv(env.SIMULATOR_HOST, env.SIMULATOR_PORT),
    alias,
    how: options.how as BreakKind,
    // `npm start` serves the Web UI only with its own dev server (TEMPORAL_ADDRESS unset).
    uiUrl: env.TEMPORAL_ADDRESS ? undefined : `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
    timeScale: env.CHAINKEEPER_TIME_SCALE,
  });
  console.log(line);
}

export function registerDemo(program: Command): void {
  const demo = program.command('demo').description('try things out on the demo containers `npm start` runs');
  demo
    .command('break <alias>')
    .description("break a demo container's chain on the simulator, to watch it recover")
    .option('--how <how>', `how the chain breaks: ${BREAK_KINDS.join(', ')}`, 'rotate')
    .action(demoBreakCommand);
}
