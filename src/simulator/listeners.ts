/**
 * The simulator's two listeners: the start host (its base URL: token endpoint, /Me, control API, the start
 * host's login pages) and the B2C host of the hybrid flow (the same interface, another port, so another
 * origin). Both start and stop together; pages on one send the browser to the other by absolute URL.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoginHosts } from './types';

/** The listening ports, known once both listen. */
export interface ListenerPorts {
  start?: number;
  b2c?: number;
}

/** The origin of a listener as the browser of this request reaches it: its host name, that listener's port. */
export function loginHostsFor(req: IncomingMessage, here: 'start' | 'b2c', ports: ListenerPorts): LoginHosts {
  return {
    here,
    originOf(host) {
      const port = ports[host];
      if (port === undefined) throw new Error(`the simulator's ${host} listener is not listening`);
      let origin: URL;
      try {
        origin = new URL(`http://${req.headers.host ?? '127.0.0.1'}`);
      } catch {
        origin = new URL('http://127.0.0.1');
      }
      origin.port = String(port);
      return origin.origin;
    },
  };
}

/** The URL origin of `host:port` (IPv6 addresses in brackets). */
export function originOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Stops listening and ends every connection, including requests a `hang` fault holds open, so stopping never
 * waits for a client.
 */
export async function close(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  await closed;
}
