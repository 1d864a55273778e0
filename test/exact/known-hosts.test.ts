import { describe, expect, it } from 'vitest';
import { loadEnv, simulatorHostsFromEnv, simulatorLoginOrigins } from '../../src/config/env';
import { hostTarget } from '../../src/exact/hosts';
import { createHostTable } from '../../src/exact/known-hosts';
import { EXACT_RULES, scaleRules } from '../../src/exact/rules';

describe("the worker's host table", () => {
  const table = createHostTable([{ key: 'simulator', baseUrl: 'http://127.0.0.1:8870', timeScale: 0.05 }]);

  it("maps Exact's countries to their hosts at real time, whatever the simulators' time scale", () => {
    expect(table.lookup({ host: 'nl' })).toEqual({
      ok: true,
      host: { key: 'nl', baseUrl: 'https://start.exactonline.nl', rules: EXACT_RULES, simulator: false },
    });
    expect(table.keys).toEqual(['nl', 'be', 'de', 'uk', 'com', 'us', 'fr', 'es', 'simulator']);
  });

  it('maps a simulator key to its base URL and its scaled rules', () => {
    const found = table.lookup({ host: 'simulator' });
    expect(found).toMatchObject({ ok: true, host: { baseUrl: 'http://127.0.0.1:8870', simulator: true } });
    expect(found.ok && found.host.rules).toEqual(scaleRules(0.05));
  });

  it('takes a base URL (inputs from before host keys) only when it is one of its hosts', () => {
    expect(table.lookup({ baseUrl: 'https://start.exactonline.nl/' })).toMatchObject({ ok: true, host: { key: 'nl' } });
    expect(table.lookup({ baseUrl: 'http://127.0.0.1:8870' })).toMatchObject({ ok: true, host: { key: 'simulator' } });
    for (const baseUrl of ['http://127.0.0.1:9999', 'https://start.exactonline.nl.evil.example', 'nonsense']) {
      const found = table.lookup({ baseUrl });
      expect(found.ok).toBe(false);
      expect(!found.ok && found.problem).toMatch(/exact\.baseUrl is not one of this worker's hosts.*exact\.host/);
    }
  });

  it('refuses an unknown key, naming the known ones, and never echoes a value shaped like a secret', () => {
    expect(table.lookup({ host: 'zz' })).toEqual({
      ok: false,
      problem: 'exact.host "zz" is not a host this worker knows: use one of nl, be, de, uk, com, us, fr, es, simulator',
    });
    const secretish = 'Hunter2-Secret-Password!';
    const found = table.lookup({ host: secretish });
    expect(!found.ok && found.problem).not.toContain(secretish);
    expect(table.lookup({})).toMatchObject({ ok: false, problem: /exact\.host must name/ });
    expect(table.lookup({ host: 'nl', baseUrl: 'https://start.exactonline.nl' })).toMatchObject({ ok: false });
  });

  it('refuses a simulator that would pose as an Exact country or repeat a key', () => {
    expect(() => createHostTable([{ key: 'nl', baseUrl: 'http://127.0.0.1:1' }])).toThrow(/taken/);
    expect(() =>
      createHostTable([
        { key: 'a', baseUrl: 'http://127.0.0.1:1' },
        { key: 'a', baseUrl: 'http://127.0.0.1:2' },
      ]),
    ).toThrow(/taken/);
  });
});

describe('simulator hosts from the environment', () => {
  it('makes the first origin host `simulator` at CHAINKEEPER_TIME_SCALE; the others receive logins only', () => {
    const env = loadEnv({
      CHAINKEEPER_SIMULATOR_ORIGINS: 'http://127.0.0.1:8870,http://127.0.0.1:8871',
      CHAINKEEPER_TIME_SCALE: '0.05',
    });
    expect(simulatorHostsFromEnv(env)).toEqual([
      { key: 'simulator', baseUrl: 'http://127.0.0.1:8870', timeScale: 0.05 },
    ]);
    expect(simulatorLoginOrigins(env)).toEqual(['http://127.0.0.1:8870', 'http://127.0.0.1:8871']);
  });

  it('gives named origins their own keys and time scales', () => {
    const env = loadEnv({
      CHAINKEEPER_SIMULATOR_ORIGINS: 'fast=http://127.0.0.1:4001,http://127.0.0.1:4002,real=http://127.0.0.1:4003',
      CHAINKEEPER_SIMULATOR_TIME_SCALES: 'fast=0.002',
    });
    expect(simulatorHostsFromEnv(env)).toEqual([
      { key: 'fast', baseUrl: 'http://127.0.0.1:4001', timeScale: 0.002 },
      { key: 'real', baseUrl: 'http://127.0.0.1:4003', timeScale: 1 },
    ]);
  });

  it('has no simulator host unless configured for one', () => {
    expect(simulatorHostsFromEnv(loadEnv({}))).toEqual([]);
  });

  it.each([
    [{ CHAINKEEPER_SIMULATOR_ORIGINS: 'nl=http://127.0.0.1:1' }, /host key "nl" is given twice or is an Exact country/],
    [{ CHAINKEEPER_SIMULATOR_TIME_SCALES: 'fast=0.5' }, /"fast" is no simulator host key/],
    [{ CHAINKEEPER_SIMULATOR_TIME_SCALES: 'fast=2' }, /not key=factor/],
  ])('refuses %j', (settings, message) => {
    expect(() => loadEnv(settings)).toThrow(message);
  });
});

describe('what the CLI and enrollment files put in a container input', () => {
  it('names the host by key: a country, a worker key, or an Exact host given as URL', () => {
    expect(hostTarget({ country: ' NL ' })).toEqual({ host: 'nl' });
    expect(hostTarget({ host: 'simulator' })).toEqual({ host: 'simulator' });
    expect(hostTarget({ baseUrl: 'https://start.exactonline.be/' })).toEqual({ host: 'be' });
    // Another URL goes as it is: only a worker configured for it (a simulator) accepts it.
    expect(hostTarget({ baseUrl: 'http://127.0.0.1:8870' })).toEqual({ baseUrl: 'http://127.0.0.1:8870' });
    expect(() => hostTarget({ country: 'zz' })).toThrow(/unknown Exact Online country "zz"/);
    expect(() => hostTarget({ host: 'Not A Key!' })).toThrow(/host key/);
    expect(() => hostTarget({ country: 'nl', host: 'simulator' })).toThrow(/give one of country or host/);
  });
});
