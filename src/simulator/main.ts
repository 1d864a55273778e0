/**
 * `npm run simulator`: a local Exact Online on SIMULATOR_PORT (default 8870) with one demo app and one demo
 * user. It prints the demo credentials on purpose: this is a local demo, nothing real logs in with them.
 * With SIMULATOR_STATE_FILE set, apps, users and chains survive a restart, and so do the demo app and user.
 * SIMULATOR_HOST sets the interface (default 127.0.0.1).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createSimulator, type Simulator, type SimApp, type SimUser } from './index';

const DEFAULT_PORT = 8870;
const DEMO_REDIRECT_URI = 'http://127.0.0.1:8871/callback';
const DEMO_USERNAME = 'demo@example.test';

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new RangeError(`SIMULATOR_PORT must be a port number from 0 to 65535 (0 = any free port), got "${raw}"`);
  }
  return port;
}

/** The demo app and user from the state file when it has them, else new ones. */
function demoAppAndUser(simulator: Simulator): { app: SimApp; user: SimUser; reused: boolean } {
  const savedApp = simulator.state.listApps().find((app) => app.redirectUri === DEMO_REDIRECT_URI);
  const savedUser = simulator.state.findUserByName(DEMO_USERNAME);
  const app = savedApp ?? simulator.control.addApp({ redirectUri: DEMO_REDIRECT_URI });
  const user =
    savedUser ??
    simulator.control.addUser({
      username: DEMO_USERNAME,
      password: randomBytes(9).toString('base64url'),
      fullName: 'Demo User',
    });
  return { app, user, reused: savedApp !== undefined && savedUser !== undefined };
}

function stopOnSignals(simulator: Simulator): void {
  const stop = (signal: string): void => {
    console.log(`${signal}: stopping the simulator`);
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(
          `could not stop the simulator cleanly: ${error instanceof Error ? error.message : 'unknown error'}`,
        );
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function main(): Promise<void> {
  const stateFileSetting = process.env.SIMULATOR_STATE_FILE;
  const stateFile = stateFileSetting ? resolve(stateFileSetting) : undefined;
  const simulator = createSimulator({
    // Loopback by default; a container image sets SIMULATOR_HOST=0.0.0.0 so other services reach it.
    host: process.env.SIMULATOR_HOST || '127.0.0.1',
    port: portFromEnv(process.env.SIMULATOR_PORT),
    stateFile,
  });
  // Before anything is printed: whoever reads the banner may signal at once.
  stopOnSignals(simulator);
  // Start first: the state file is read at start, and may already hold the demo app and user.
  const { baseUrl, loginOrigins } = await simulator.start();
  const { app, user, reused } = demoAppAndUser(simulator);
  console.log(`Exact Online simulator listening on ${baseUrl}`);
  if (stateFile) console.log(`  state file:    ${stateFile}${reused ? ' (demo app and user reused)' : ''}`);
  console.log(`  control API:   ${baseUrl}/_sim/counters`);
  // A worker in another process must allow both (CHAINKEEPER_SIMULATOR_ORIGINS) to log in on the hybrid flow.
  console.log(`  login origins: ${loginOrigins.join(',')} (start host, B2C host)`);
  console.log(`  demo app:      client_id=${app.clientId} client_secret=${app.clientSecret}`);
  console.log(`                 redirect_uri=${app.redirectUri}`);
  console.log(`  demo user:     username=${user.username} password=${user.password} totp_secret=${user.totpSecret}`);
  console.log(
    `  authorize at:  ${baseUrl}/api/oauth2/auth?client_id=${encodeURIComponent(app.clientId)}` +
      `&redirect_uri=${encodeURIComponent(app.redirectUri)}&response_type=code&state=demo`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
