import '../support/quiet-runtime';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTokenProvider } from '../../src/consumers';
import { findExactTarget } from '../../src/consumers/exact-target';
import { createHostTable } from '../../src/exact/known-hosts';
import { startProxy, type RunningProxy } from '../../src/proxy';
import { createDevServerHarness, type DevServerHarness } from '../support/dev-server-harness';
import { captureLog } from '../observability/capture-log';

const CONSUMER_TOKEN = 'dashboard-0123456789abcdef0123456789abcdef';

describe('the proxy with the real token provider, in front of a real container', () => {
  let harness: DevServerHarness;
  let proxy: RunningProxy;
  const log = captureLog('info');

  beforeAll(async () => {
    harness = await createDevServerHarness({ address: inject('temporalAddress') });
    const hosts = createHostTable([{ key: 'simulator', baseUrl: harness.baseUrl }]);
    proxy = await startProxy({
      consumers: [{ name: 'dashboard', token: CONSUMER_TOKEN, aliases: 'all' }],
      tokens: createTokenProvider(harness.client, { minValidityS: 15, consumerKeys: harness.consumerKeys }),
      findTarget: (alias) => findExactTarget(harness.client, alias, hosts),
      extraExactOrigins: [new URL(harness.baseUrl).origin],
      port: 0,
      log: log.log,
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await harness?.close();
  });

  const call = async (path: string) => {
    const answer = await request(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${CONSUMER_TOKEN}` } });
    return { status: answer.statusCode, body: await answer.body.text(), code: answer.headers['x-chainkeeper-error'] };
  };

  it('finds the container’s host in its input and calls Exact with its opened token', async () => {
    const alias = harness.uniqueAlias('proxied');
    const { user } = await harness.enroll(alias);
    const answers = await Promise.all([1, 2, 3].map(() => call(`/${alias}/api/v1/current/Me?$select=UserName`)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ d: { results: [{ UserName: user.username }] } });
    }
    // The consumer never held an Exact token, and none reached the log.
    const me = harness.sim.control.counters().meCalls.filter((record) => record.userId === user.id);
    expect(me.length).toBeGreaterThanOrEqual(3);
    expect(log.raw.join('\n')).not.toMatch(/Bearer|eyJ/);
  });

  it('answers an alias no container runs under as its own 404', async () => {
    const answer = await call(`/${harness.uniqueAlias('nobody')}/api/v1/current/Me`);
    expect([answer.status, answer.code]).toEqual([404, 'chainkeeper.unknown_alias']);
  });
});
