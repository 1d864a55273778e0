/**
 * Issue 11, point 1, at the boundary itself: whatever host a container's input names, the worker sends a refresh
 * token, a client secret, an access token or a password only to a host of its own configuration. A local server
 * stands for the host an attacker would name; it must never see a request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExactGateway, type ExactGateway } from '../../activities/exact-gateway';
import { recoverChain } from '../../activities/recover-chain';
import { refreshChain, type RefreshDeps } from '../../activities/refresh-chain';
import { exchangeCode } from '../../activities/start-chain';
import { sealCredentials } from '../../src/credentials/credentials';
import { openVault } from '../../src/vault/open-vault';
import type { Vault } from '../../src/vault/vault';
import type { ExactTarget } from '../../contract/container';
import { FAILURE_TYPES } from '../../contract/failures';
import { createTestKeys } from '../support/test-keys';

async function failureOf(work: Promise<unknown>) {
  const error = (await work.then(
    () => undefined,
    (e: unknown) => e,
  )) as { type?: string; message?: string; details?: Record<string, unknown>[] } | undefined;
  expect(error, 'the activity should have failed').toBeDefined();
  return { type: error!.type, message: error!.message ?? '', facts: error!.details?.[0] ?? {} };
}

describe('a container naming a host the worker does not know', () => {
  let foreign: Server;
  let foreignUrl: string;
  const requests: string[] = [];
  let vault: Vault;
  let exact: ExactGateway;
  let deps: RefreshDeps & { keys: Awaited<ReturnType<typeof createTestKeys>>['orgKeys'] };
  let keys: Awaited<ReturnType<typeof createTestKeys>>;

  beforeAll(async () => {
    foreign = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    keys = await createTestKeys();
    vault = await openVault({ url: ':memory:', sealer: keys.sealer });
    // A worker for Exact only: no simulator configured, so any non-Exact host is foreign.
    exact = createExactGateway({
      apps: {
        default: { clientId: 'app-id', clientSecret: 'app-secret-never-sent', redirectUri: 'https://x.test/cb' },
      },
    });
    deps = {
      vault,
      exact,
      now: Date.now,
      log: pino({ level: 'silent' }),
      consumerKey: keys.consumerKeys.current,
      keys: keys.orgKeys,
    };
  });
  afterAll(async () => {
    await vault.close();
    foreign.close();
  });

  const targets: [string, () => ExactTarget][] = [
    ['a foreign base URL', () => ({ baseUrl: foreignUrl, app: 'default' })],
    ['an unknown host key', () => ({ host: 'zz', app: 'default' })],
  ];

  for (const [what, target] of targets) {
    it(`refuses ${what} in the gateway before any HTTP`, async () => {
      const outcomes = [
        await exact.refresh(target(), 'refresh-token-never-sent'),
        await exact.exchangeCode(target(), 'code-never-sent'),
        await exact.getMe(target(), 'access-token-never-sent'),
      ];
      for (const outcome of outcomes) expect(outcome).toMatchObject({ kind: 'misconfigured', problem: 'unknown-host' });
      expect(exact.loginUrls(target(), 'state')).toBeUndefined();
      expect(exact.identityScope(target())).toBeUndefined();
      expect(requests).toEqual([]);
    });

    it(`refuses ${what} in refresh, code exchange and recovery: misconfigured, no token call, nothing sent`, async () => {
      const alias = `foreign-${what.replaceAll(' ', '-')}`;
      await vault.startChain(alias, undefined, { refreshToken: 'refresh-token-never-sent' });
      await vault.putCredentials({
        alias,
        ...sealCredentials(keys.orgKeys.current, {
          username: 'u@x.test',
          password: 'pw-never-sent',
          totpSecret: 'JBSWY3DPEHPK3PXP',
        }),
        enteredAt: new Date(),
        expiresAt: new Date(Date.now() + 3600_000),
      });
      const refusals = [
        await failureOf(
          refreshChain(deps, {
            alias,
            exact: target(),
            expected: { chain: 1, generation: 1 },
            minRefreshIntervalS: 570,
          }),
        ),
        await failureOf(exchangeCode(deps, { alias, exact: target(), code: 'code-never-sent' })),
        await failureOf(recoverChain(deps, { alias, exact: target() })),
      ];
      for (const refusal of refusals) {
        expect(refusal.type).toBe(FAILURE_TYPES.misconfigured);
        expect(refusal.facts).toMatchObject({ tokenCallMade: false });
        expect(refusal.message).toMatch(/nothing was sent for .*: exact\.(baseUrl|host)/);
        expect(refusal.message).not.toContain(foreignUrl);
      }
      expect(requests).toEqual([]);
      expect(await vault.listAudit(alias)).toEqual([]);
    });
  }
});
