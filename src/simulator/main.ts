/**
 * `npm run simulator`: a local Exact Online on SIMULATOR_PORT (default 8870) with one demo app and one demo
 * user. It prints the demo credentials on purpose: this is a local demo, nothing real logs in with them.
 */
import { randomBytes } from 'node:crypto';
import { createSimulator } from './index';

const DEFAULT_PORT = 8870;
const DEMO_REDIRECT_URI = 'http://127.0.0.1:8871/callback';

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new RangeError(`SIMULATOR_PORT must be a port number from 0 to 65535 (0 = any free port), got "${raw}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const simulator = createSimulator({ port: portFromEnv(process.env.SIMULATOR_PORT) });
  const app = simulator.control.addApp({ redirectUri: DEMO_REDIRECT_URI });
  const user = simulator.control.addUser({
    username: 'demo@example.test',
    password: randomBytes(9).toString('base64url'),
    fullName: 'Demo User',
  });
  const { baseUrl } = await simulator.start();
  console.log(`Exact Online simulator listening on ${baseUrl}`);
  console.log(`  control API:   ${baseUrl}/_sim/counters`);
  console.log(`  demo app:      client_id=${app.clientId} client_secret=${app.clientSecret}`);
  console.log(`                 redirect_uri=${app.redirectUri}`);
  console.log(`  demo user:     username=${user.username} password=${user.password} totp_secret=${user.totpSecret}`);
  console.log(
    `  authorize at:  ${baseUrl}/api/oauth2/auth?client_id=${encodeURIComponent(app.clientId)}` +
      `&redirect_uri=${encodeURIComponent(app.redirectUri)}&response_type=code&state=demo`,
  );

  const stop = (signal: string): void => {
    console.log(`${signal}: stopping the simulator`);
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('could not stop the simulator cleanly', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
