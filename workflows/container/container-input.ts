import type { ExactRules } from '../../src/exact/rules';
import {
  clampLegacyRules,
  clampToRange,
  LEGACY_MIN_CYCLES_PER_RUN,
  optionRanges,
  RETRY_INITIAL_MS,
  type OptionRange,
} from './option-limits';
import { resolveOptions, type ResolvedOptions } from './schedule';
import type { ContainerInput, ContainerOptions, ExactTarget, LegacyContainerInput } from '../../contract/container';

/**
 * The data-container workflow's input, checked where it enters: anyone who can start a workflow (the Web UI has
 * a Start Workflow button) can type anything. A fresh start with a mistake fails at once, naming the field and
 * what to type; a run continued from an older one keeps going with its options clamped. Messages never repeat a
 * value that was given, only its type: a secret pasted into the wrong field must not reach history or logs.
 */

const TOP_FIELDS = ['alias', 'exact', 'options'] as const;
const EXACT_FIELDS = ['host', 'baseUrl', 'app', 'loginProfile'] as const;
const OPTION_FIELDS = [
  'refreshIntervalMs',
  'retryInitialMs',
  'retryMaxMs',
  'cyclesPerRun',
  'recoveriesPerDay',
  'credentialsTtlMs',
] as const;
type OptionField = (typeof OPTION_FIELDS)[number];

/** An Exact host key as a container names it; the worker says whether it knows it. */
const HOST_KEY = /^[a-z][a-z0-9-]{0,31}$/;
/** App names as the enrollment file takes them. */
const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PROFILE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;
/** Field names are echoed only when they look like one (short camelCase): a pasted token is long and mixed. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,23}$/;

const EXAMPLE = '{"alias": "acme", "exact": {"host": "nl", "app": "default"}}';
const HOST_HINT = 'an Exact country (nl, be, de, uk, com, us, fr, es) or a host key of the worker, such as simulator';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function unknownFields(record: Record<string, unknown>, known: readonly string[], where: string): string[] {
  return Object.keys(record)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const name = FIELD_NAME.test(key) ? `"${where}${key}"` : 'a field';
      return `${name} is not an input field: ${where === '' ? 'the input' : where.slice(0, -1)} takes ${known.join(', ')}`;
    });
}

/** Problems with `exact`, each naming the field and what to type. */
function exactProblems(exact: unknown): string[] {
  if (!isObject(exact)) {
    return [`exact must be an object like {"host": "nl", "app": "default"}, not ${typeName(exact)}`];
  }
  const problems = unknownFields(exact, EXACT_FIELDS, 'exact.');
  const { host, baseUrl, app, loginProfile } = exact;
  if (host !== undefined && baseUrl !== undefined) {
    problems.push('give exact.host or exact.baseUrl, not both: exact.host is the one to use');
  } else if (host === undefined && baseUrl === undefined) {
    problems.push(`exact.host is missing: type ${HOST_HINT}`);
  } else if (host !== undefined && (typeof host !== 'string' || !HOST_KEY.test(host))) {
    problems.push(`exact.host must be ${HOST_HINT}: lowercase letters, digits and "-"`);
  } else if (baseUrl !== undefined && typeof baseUrl !== 'string') {
    problems.push(`exact.baseUrl must be a string (better: name the host with exact.host, ${HOST_HINT})`);
  }
  if (app !== undefined && (typeof app !== 'string' || !APP_NAME.test(app))) {
    problems.push(`exact.app must name an app of the worker's configuration, e.g. "default"`);
  }
  if (loginProfile !== undefined && (typeof loginProfile !== 'string' || !PROFILE_NAME.test(loginProfile))) {
    problems.push('exact.loginProfile must be a login profile name: legacyExact or b2c (or leave it out)');
  }
  return problems;
}

function rangeProblem(field: OptionField, value: unknown, range: OptionRange): string | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    value >= range.min &&
    value <= range.max;
  if (ok) return undefined;
  const kind = range.integer ? 'a whole number' : 'a number';
  return `options.${field} must be ${kind} from ${range.min} to ${range.max}, e.g. "${field}": ${range.example}`;
}

/** Problems with `options` under the worker's `rules`, each naming the field, its range and an example. */
export function optionProblems(options: unknown, rules: Readonly<ExactRules>): string[] {
  if (options === undefined || options === null) return [];
  if (!isObject(options)) return [`options must be an object like {"cyclesPerRun": 100}, not ${typeName(options)}`];
  const problems: string[] = [];
  if ('rules' in options) {
    problems.push(
      "options.rules is not taken from input: Exact's rules come from the worker's configuration " +
        '(CHAINKEEPER_TIME_SCALE on a worker for a simulator). Remove it.',
    );
  }
  const others = Object.fromEntries(Object.entries(options).filter(([key]) => key !== 'rules'));
  problems.push(...unknownFields(others, OPTION_FIELDS, 'options.'));
  const initial = typeof options.retryInitialMs === 'number' ? options.retryInitialMs : RETRY_INITIAL_MS;
  const ranges = optionRanges(rules, initial);
  for (const field of OPTION_FIELDS) {
    if (options[field] === undefined) continue;
    const problem = rangeProblem(field, options[field], ranges[field]);
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * Problems with the shape of a fresh start's input (the options' ranges need the worker's rules: see
 * {@link optionProblems}). `workflowId` is the run's: the alias must be its part after `container/`.
 */
export function inputProblems(input: unknown, workflowId: string): string[] {
  if (!isObject(input)) return [`the input must be a JSON object like ${EXAMPLE}, not ${typeName(input)}`];
  const problems = unknownFields(input, [...TOP_FIELDS, 'carried'], '');
  if (input.carried !== undefined) problems.push('carried is set by continue-as-new only: remove it');
  const { alias } = input;
  if (typeof alias !== 'string' || `container/${alias}` !== workflowId) {
    problems.push(
      workflowId.startsWith('container/')
        ? `alias must be the workflow ID after "container/": "alias": "${workflowId.slice('container/'.length)}"`
        : 'alias must be the container name, and the workflow ID container/<alias>',
    );
  }
  problems.push(...exactProblems(input.exact));
  return problems;
}

/** The input a run works with: app defaulted, legacy `rules` dropped (the worker's apply). */
export function normalizedInput(input: LegacyContainerInput): ContainerInput {
  const { host, baseUrl, app, loginProfile } = input.exact;
  const exact: ExactTarget = { app: app ?? 'default' };
  if (host !== undefined) exact.host = host;
  if (baseUrl !== undefined) exact.baseUrl = baseUrl;
  if (loginProfile !== undefined) exact.loginProfile = loginProfile;
  const normalized: ContainerInput = { alias: input.alias, exact };
  if (input.options) {
    normalized.options = Object.fromEntries(Object.entries(input.options).filter(([key]) => key !== 'rules'));
  }
  if (input.carried) normalized.carried = input.carried;
  return normalized;
}

function clampedOptions(
  options: ContainerOptions | undefined,
  rules: Readonly<ExactRules>,
  minCycles?: number,
): ContainerOptions {
  const given = (isObject(options) ? options : {}) as Record<OptionField, unknown>;
  const initial = clampToRange(given.retryInitialMs, optionRanges(rules).retryInitialMs);
  const ranges = optionRanges(rules, initial ?? RETRY_INITIAL_MS);
  if (minCycles !== undefined) ranges.cyclesPerRun.min = minCycles;
  const clamped: ContainerOptions = {};
  for (const field of OPTION_FIELDS) {
    const value = clampToRange(given[field], ranges[field]);
    if (value !== undefined) clamped[field] = ranges[field].integer ? Math.round(value) : value;
  }
  return clamped;
}

/** A run continued from an older one, under the worker's rules: its options clamped, never refused. */
export function continuedOptions(options: ContainerOptions | undefined, rules: Readonly<ExactRules>): ResolvedOptions {
  return resolveOptions(clampedOptions(options, rules), rules);
}

/**
 * A run started before rules came from the worker (its history has no `rules-from-worker` marker): its input's
 * rules, clamped, and its options clamped only as far as recorded histories allow (a test recorded 3 cycles).
 */
export function legacyOptions(options: LegacyContainerInput['options']): ResolvedOptions {
  const rules = options?.rules === undefined ? undefined : clampLegacyRules(options.rules);
  const effective = rules ?? resolveOptions().rules;
  return resolveOptions(clampedOptions(options, effective, LEGACY_MIN_CYCLES_PER_RUN), effective);
}
