/**
 * The proxy of the overhead bench in a process of its own, as it runs in production: reads its settings
 * (simulator base URL, one access token per company) as JSON on standard input, prints its URL, and
 * runs until killed. Tokens come from memory, as the token provider serves them; logging is on, to a null stream.
 */
import { text } from 'node:stream/consumers';
import { createLogger } from '../../src/log';
import { startProxy } from '../../src/proxy';

interface Settings {
  baseUrl: string;
  tokens: string[];
  consumerToken: string;
}

const settings = JSON.parse(await text(process.stdin)) as Settings;
const proxy = await startProxy({
  consumers: [{ name: 'bench', token: settings.consumerToken, aliases: 'all' }],
  tokens: {
    get: (alias) => Promise.resolve({ accessToken: settings.tokens[Number(alias.slice(2))]! }),
    invalidate: () => undefined,
  },
  findTarget: () => Promise.resolve({ baseUrl: settings.baseUrl, app: 'default' }),
  extraExactOrigins: [settings.baseUrl],
  port: 0,
  log: createLogger('info', { write: () => undefined }),
});
process.stdout.write(`${proxy.url}\n`);
process.once('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
