import { describe, expect, it } from 'vitest';
import { EXACT_RULES, scaleRules } from '../../src/exact/rules';
import {
  continuedOptions,
  inputProblems,
  legacyOptions,
  normalizedInput,
  optionProblems,
} from '../../workflows/container/container-input';

const good = { alias: 'acme', exact: { host: 'nl', app: 'default' } };

describe('the container input of a fresh start', () => {
  it('takes a host key, and a base URL (the worker judges it)', () => {
    expect(inputProblems(good, 'container/acme')).toEqual([]);
    expect(
      inputProblems({ alias: 'acme', exact: { baseUrl: 'https://start.exactonline.nl' } }, 'container/acme'),
    ).toEqual([]);
  });

  it('names every field that is wrong and what to type', () => {
    const problems = inputProblems(
      { alias: 'other', exact: { host: 42, app: 'no spaces', colour: 'red' }, carried: {}, extra: 1 },
      'container/acme',
    );
    expect(problems).toEqual([
      '"extra" is not an input field: the input takes alias, exact, options, carried',
      'carried is set by continue-as-new only: remove it',
      'alias must be the workflow ID after "container/": "alias": "acme"',
      '"exact.colour" is not an input field: exact takes host, baseUrl, app, loginProfile',
      expect.stringMatching(/^exact\.host must be an Exact country \(nl, be, de, uk, com, us, fr, es\) or a host key/),
      'exact.app must name an app of the worker\'s configuration, e.g. "default"',
    ]);
    expect(inputProblems({ alias: 'acme', exact: {} }, 'container/acme')).toEqual([
      expect.stringMatching(/^exact\.host is missing: type an Exact country/),
    ]);
    expect(inputProblems('acme', 'container/acme')[0]).toMatch(/must be a JSON object like/);
    expect(inputProblems(null, 'container/acme')[0]).toMatch(/not null/);
  });

  it('refuses rules in input and options out of range, with the range and an example', () => {
    expect(optionProblems({ cyclesPerRun: 100, recoveriesPerDay: 3 }, EXACT_RULES)).toEqual([]);
    expect(
      optionProblems(
        {
          rules: { minRefreshIntervalS: 1 },
          refreshIntervalMs: 1000,
          cyclesPerRun: 5,
          recoveriesPerDay: 10,
          credentialsTtlMs: 60 * 24 * 3600 * 1000,
          retryInitialMs: 'fast',
          colour: 'red',
        },
        EXACT_RULES,
      ),
    ).toEqual([
      expect.stringMatching(
        /^options\.rules is not taken from input: Exact's rules come from the worker's configuration/,
      ),
      '"options.colour" is not an input field: options takes refreshIntervalMs, retryInitialMs, retryMaxMs, cyclesPerRun, recoveriesPerDay, credentialsTtlMs',
      'options.refreshIntervalMs must be a whole number from 570000 to 86400000, e.g. "refreshIntervalMs": 570000',
      'options.retryInitialMs must be a whole number from 1000 to 600000, e.g. "retryInitialMs": 10000',
      'options.cyclesPerRun must be a whole number from 10 to 1000, e.g. "cyclesPerRun": 100',
      'options.recoveriesPerDay must be a whole number from 0 to 3, e.g. "recoveriesPerDay": 3',
      'options.credentialsTtlMs must be a whole number from 3600000 to 2592000000, e.g. "credentialsTtlMs": 2592000000',
    ]);
  });

  it("bounds the refresh interval and backoff by the worker's rules (a soak's are scaled)", () => {
    const soak = scaleRules(0.05);
    expect(optionProblems({ refreshIntervalMs: 28_500, retryInitialMs: 500, retryMaxMs: 15_000 }, soak)).toEqual([]);
    expect(optionProblems({ refreshIntervalMs: 28_500 }, EXACT_RULES)).toHaveLength(1);
    expect(optionProblems({ retryInitialMs: 20_000, retryMaxMs: 10_000 }, EXACT_RULES)[0]).toMatch(
      /options\.retryMaxMs must be a whole number from 20000 to 3600000/,
    );
  });

  it('never repeats a value that was given', () => {
    const secret = 'Hunter2-Secret-Refresh-Token';
    const text = [
      ...inputProblems({ alias: secret, exact: { host: secret, app: secret, [secret]: 1 } }, 'container/acme'),
      ...optionProblems({ cyclesPerRun: secret, [secret]: 1 }, EXACT_RULES),
    ].join('\n');
    expect(text).not.toContain(secret);
  });
});

describe('the options of runs continued from older ones', () => {
  it('drops rules from input and clamps options to the worker rules instead of failing', () => {
    const input = normalizedInput({
      alias: 'acme',
      exact: { baseUrl: 'https://start.exactonline.nl', app: 'default' },
      options: { rules: scaleRules(0.001), cyclesPerRun: 3, recoveriesPerDay: 9, credentialsTtlMs: 1e12 },
    });
    expect(input.options).toEqual({ cyclesPerRun: 3, recoveriesPerDay: 9, credentialsTtlMs: 1e12 });
    const options = continuedOptions(input.options, EXACT_RULES);
    expect(options).toMatchObject({ rules: EXACT_RULES, cyclesPerRun: 10, recoveriesPerDay: 3 });
    expect(options.credentialsTtlMs).toBe(30 * 24 * 3600 * 1000);
  });

  it('keeps a pre-patch run on its input rules, clamped, and its recorded cycles per run', () => {
    const options = legacyOptions({ rules: { ...scaleRules(0.05), minRefreshIntervalS: 0.0001 }, cyclesPerRun: 3 });
    expect(options.cyclesPerRun).toBe(3);
    expect(options.rules.minRefreshIntervalS).toBeCloseTo(0.57);
    expect(options.rules.dayS).toBeCloseTo(86_400 * 0.05);
    expect(legacyOptions(undefined)).toMatchObject({ rules: EXACT_RULES, cyclesPerRun: 100 });
  });
});
