import { resolve } from 'node:path';
import { z } from 'zod';
import { EXACT_HOSTS } from '../exact/hosts';
import { EXACT_CALL_DEADLINE_MS } from '../exact/http';
import { PROXY_ENV_SHAPE } from './proxy-env';
import { DEFAULT_SIMULATOR_KEY, type SimulatorHost } from '../exact/known-hosts';
import { PROJECT_ROOT } from '../temporal/tools';

/**
 * chainkeeper's configuration, from environment variables, validated once at start with one message per
 * mistake. Every variable, its default and meaning is also in the README's configuration table.
 */

const optionalString = z
  .string()
  .transform((value) => value.trim())
  .pipe(z.string())
  .optional()
  .transform((value) => (value ? value : undefined));

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233 or my-ns.tmprl.cloud:7233');

const port = z.coerce
  .number()
  .int('must be a whole number')
  .min(0, 'must be a TCP port (0–65535)')
  .max(65535, 'must be a TCP port (0–65535)');

/** Shorter bearer tokens can be guessed or were typed by hand; 32 random characters cannot. */
export const CODEC_TOKEN_MIN_CHARS = 32;

/** One entry of CHAINKEEPER_SIMULATOR_ORIGINS: a login origin, and a host key when it serves containers. */
export interface SimulatorOriginEntry {
  origin: string;
  /** Given as `key=origin`; when no entry has one, the first entry is host `simulator`. */
  key?: string;
}

/** The host keys of the simulator entries: the named ones, or `simulator` for the first when none is named. */
function simulatorHostKeys(entries: readonly SimulatorOriginEntry[]): string[] {
  return simulatorHostEntries(entries).map((entry) => entry.key);
}

function simulatorHostEntries(entries: readonly SimulatorOriginEntry[]): { key: string; origin: string }[] {
  const named = entries
    .filter((entry) => entry.key !== undefined)
    .map((entry) => ({ key: entry.key!, origin: entry.origin }));
  const firstUnnamed = entries.find((entry) => entry.key === undefined);
  // With keys given, unnamed entries are login hosts only (a simulator's B2C host, say).
  if (firstUnnamed && named.length === 0) {
    named.unshift({ key: DEFAULT_SIMULATOR_KEY, origin: firstUnnamed.origin });
  }
  return named;
}

const envSchema = z
  .object({
    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('chainkeeper'),
    TEMPORAL_API_KEY: optionalString,
    TEMPORAL_TLS: booleanString,
    CHAINKEEPER_STORE_URL: z
      .string()
      .min(1)
      .default(`sqlite:${resolve(PROJECT_ROOT, 'data/chainkeeper.db')}`),
    CHAINKEEPER_KEYS_DIR: z.string().min(1).default(resolve(PROJECT_ROOT, 'data/keys')),
    /**
     * CHAINKEEPER_CONSUMER_KEY_PATH: where a consumer (`getAccessToken`, `chainkeeper token`) finds the consumer
     * private key that opens access tokens: a consumer key directory or one `consumer-<keyId>.key` file. Unset, the
     * key directory itself (one machine, as `npm start` sets it up). Workers never need it.
     */
    CHAINKEEPER_CONSUMER_KEY_PATH: optionalString,
    /**
     * CHAINKEEPER_TIME_SCALE: the fraction of real time Exact's rules run at on this worker's simulator hosts (soaks,
     * demos). The workflow gets its rules from the worker, never from input; Exact's own hosts always run at 1.
     */
    CHAINKEEPER_TIME_SCALE: z.coerce
      .number()
      .gt(0, 'must be above 0 (1 = real time, 0.01 = a hundred times faster)')
      .lte(1, 'must be at most 1 (real time)')
      .default(1),
    EXACT_CLIENT_ID: optionalString,
    EXACT_CLIENT_SECRET: optionalString,
    EXACT_REDIRECT_URI: z.url({ message: 'must be the redirect URI registered in the App Center' }).optional(),
    EXACT_HTTP_TIMEOUT_MS: z.coerce
      .number()
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100 ms')
      .max(
        EXACT_CALL_DEADLINE_MS,
        `must be at most ${EXACT_CALL_DEADLINE_MS} ms: a call to Exact must end inside the 60 s refresh activity ` +
          '(token call and /Me call), or it could rotate a chain after the workflow gave up on it',
      )
      .default(15_000),
    /**
     * CHAINKEEPER_WORKFLOW_CACHE_SIZE: containers the worker keeps in memory (the SDK's maxCachedWorkflows). Unset,
     * the SDK sizes it from the heap limit (about 2,300 on a 4 GiB heap), so a fleet of that size stays cached.
     * Each cached container costs about 0.3–0.5 MiB resident. One that is not cached replays its run's history (up to
     * `cyclesPerRun` cycles) for its next refresh and for every `accessToken` query: measured about 1 s of CPU for a
     * 100-cycle run (BENCHMARKS.md). Lower it only when memory is scarcer than CPU and query latency.
     */
    CHAINKEEPER_WORKFLOW_CACHE_SIZE: z.coerce
      .number()
      .int('must be a whole number of containers')
      .min(2, 'must be at least 2 (the SDK needs room for the workflows it is running)')
      .optional(),
    CHAINKEEPER_CODEC_HOST: z.string().min(1).default('127.0.0.1'),
    CHAINKEEPER_CODEC_PORT: port.default(8888),
    CHAINKEEPER_CODEC_TOKEN: optionalString.pipe(
      z
        .string()
        .min(CODEC_TOKEN_MIN_CHARS, {
          message: `must be at least ${CODEC_TOKEN_MIN_CHARS} characters: it lets its holder read every decoded history (e.g. \`openssl rand -base64 32\`)`,
        })
        .optional(),
    ),
    CHAINKEEPER_CODEC_OIDC_JWKS_URL: z
      .url({ protocol: /^https?$/, message: "must be the http(s) URL of the identity provider's JWKS" })
      .optional(),
    CHAINKEEPER_CODEC_OIDC_ISSUER: optionalString,
    CHAINKEEPER_CODEC_OIDC_AUDIENCE: optionalString,
    CHAINKEEPER_CODEC_ORIGINS: z
      .string()
      .default('http://localhost:8233,http://127.0.0.1:8233')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
    CHAINKEEPER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    CHAINKEEPER_METRICS_PORT: port.default(9464),
    CHAINKEEPER_WEBHOOK_URL: z.url({ message: 'must be an http(s) URL that receives notifications' }).optional(),
    CHAINKEEPER_WEBHOOK_SECRET: z
      .string()
      .min(16, 'must be at least 16 characters: it signs every notification')
      .optional(),
    /**
     * CHAINKEEPER_SIMULATOR_ORIGINS: origins of an Exact simulator this worker serves (tests, soaks, the demo). Only
     * these and Exact's own login hosts may ever receive a username, password or TOTP code. An entry `key=origin`
     * is also a host key containers may name (`exact.host`); when no entry has a key, the first is host
     * `simulator`. The others (a B2C login host, say) receive logins only.
     */
    CHAINKEEPER_SIMULATOR_ORIGINS: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const origins: SimulatorOriginEntry[] = [];
        for (const item of value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)) {
          const named = /^([a-z][a-z0-9-]{0,31})=(.*)$/.exec(item);
          const text = named ? named[2]!.trim() : item;
          const url = URL.canParse(text) ? new URL(text) : undefined;
          if (
            !url ||
            (url.protocol !== 'http:' && url.protocol !== 'https:') ||
            url.origin !== text.replace(/\/$/, '')
          ) {
            ctx.addIssue({
              code: 'custom',
              message: `"${item.slice(0, 60)}" is not an origin like http://127.0.0.1:8870 (or key=origin)`,
            });
          } else origins.push(named ? { key: named[1]!, origin: url.origin } : { origin: url.origin });
        }
        return origins;
      }),
    /**
     * CHAINKEEPER_SIMULATOR_TIME_SCALES: a time scale per simulator host key (`fast=0.002,recovery=0.01`), for a
     * worker serving simulators that run at different speeds (the benchmark); a key not listed runs at
     * CHAINKEEPER_TIME_SCALE.
     */
    CHAINKEEPER_SIMULATOR_TIME_SCALES: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const scales: Record<string, number> = {};
        for (const item of value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)) {
          const match = /^([a-z][a-z0-9-]{0,31})=([0-9.eE-]+)$/.exec(item);
          const scale = match ? Number(match[2]) : Number.NaN;
          if (!match || !(scale > 0 && scale <= 1)) {
            ctx.addIssue({
              code: 'custom',
              message: `"${item.slice(0, 60)}" is not key=factor with a factor above 0 and at most 1 (e.g. fast=0.002)`,
            });
          } else scales[match[1]!] = scale;
        }
        return scales;
      }),
    SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    SIMULATOR_STATE_FILE: optionalString,
    TEMPORAL_UI_PORT: port.default(8233),
    SIMULATOR_PORT: port.default(8870),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    CHROMIUM_PATH: optionalString,
    ...PROXY_ENV_SHAPE,
  })
  .superRefine((env, ctx) => {
    if (env.CHAINKEEPER_WEBHOOK_URL && !env.CHAINKEEPER_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHAINKEEPER_WEBHOOK_SECRET'],
        message: 'webhooks are signed: set CHAINKEEPER_WEBHOOK_SECRET (receivers verify with it) or unset the URL',
      });
    }
    const oidc = [
      env.CHAINKEEPER_CODEC_OIDC_JWKS_URL,
      env.CHAINKEEPER_CODEC_OIDC_ISSUER,
      env.CHAINKEEPER_CODEC_OIDC_AUDIENCE,
    ];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHAINKEEPER_CODEC_OIDC_JWKS_URL'],
        message:
          'set CHAINKEEPER_CODEC_OIDC_JWKS_URL, CHAINKEEPER_CODEC_OIDC_ISSUER and CHAINKEEPER_CODEC_OIDC_AUDIENCE together (or none)',
      });
    }
    const simulatorKeys = simulatorHostKeys(env.CHAINKEEPER_SIMULATOR_ORIGINS);
    const taken = new Set<string>(Object.keys(EXACT_HOSTS));
    for (const key of simulatorKeys) {
      if (taken.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['CHAINKEEPER_SIMULATOR_ORIGINS'],
          message: `host key "${key}" is given twice or is an Exact country: give each simulator a key of its own`,
        });
      }
      taken.add(key);
    }
    for (const key of Object.keys(env.CHAINKEEPER_SIMULATOR_TIME_SCALES)) {
      if (!simulatorKeys.includes(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['CHAINKEEPER_SIMULATOR_TIME_SCALES'],
          message: `"${key}" is no simulator host key of CHAINKEEPER_SIMULATOR_ORIGINS (${simulatorKeys.join(', ') || 'none'})`,
        });
      }
    }
    const app = [env.EXACT_CLIENT_ID, env.EXACT_CLIENT_SECRET, env.EXACT_REDIRECT_URI];
    if (app.some(Boolean) && !app.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['EXACT_CLIENT_ID'],
        message: 'set EXACT_CLIENT_ID, EXACT_CLIENT_SECRET and EXACT_REDIRECT_URI together (or none for the simulator)',
      });
    }
  });

export type ChainkeeperEnv = z.output<typeof envSchema>;

/** Every environment variable chainkeeper reads (the README's configuration table lists them all). */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof ChainkeeperEnv)[];

/** The configuration is wrong; `problems` has one line per mistake, naming the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`chainkeeper configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment. Secrets (client secret, API key) are never echoed in errors. */
export function loadEnv(env: NodeJS.ProcessEnv = process.env): ChainkeeperEnv {
  const result = envSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
  );
}

/** For entry points: the configuration, or its problems on stderr and exit code 2 (nothing else has started yet). */
export function loadEnvOrExit(env: NodeJS.ProcessEnv = process.env): ChainkeeperEnv {
  try {
    return loadEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/** Where a consumer's private key is: CHAINKEEPER_CONSUMER_KEY_PATH, else the key directory. */
export function consumerKeyPath(env: ChainkeeperEnv): string {
  return env.CHAINKEEPER_CONSUMER_KEY_PATH ?? env.CHAINKEEPER_KEYS_DIR;
}

/** The codec server's OIDC settings, when all three are set. */
export function codecOidcFromEnv(
  env: ChainkeeperEnv,
): { jwksUrl: string; issuer: string; audience: string } | undefined {
  const { CHAINKEEPER_CODEC_OIDC_JWKS_URL: jwksUrl, CHAINKEEPER_CODEC_OIDC_ISSUER: issuer } = env;
  const audience = env.CHAINKEEPER_CODEC_OIDC_AUDIENCE;
  return jwksUrl && issuer && audience ? { jwksUrl, issuer, audience } : undefined;
}

/** An Exact Online app as the worker knows it; the secret never leaves worker configuration. */
export interface ExactApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** The apps configured in the environment, by name (`default` for the EXACT_* variables). */
export function appsFromEnv(env: ChainkeeperEnv): Record<string, ExactApp> {
  if (!env.EXACT_CLIENT_ID || !env.EXACT_CLIENT_SECRET || !env.EXACT_REDIRECT_URI) return {};
  return {
    default: {
      clientId: env.EXACT_CLIENT_ID,
      clientSecret: env.EXACT_CLIENT_SECRET,
      redirectUri: env.EXACT_REDIRECT_URI,
    },
  };
}

/** Every origin of CHAINKEEPER_SIMULATOR_ORIGINS: the simulator pages that may receive credentials. */
export function simulatorLoginOrigins(env: ChainkeeperEnv): string[] {
  return env.CHAINKEEPER_SIMULATOR_ORIGINS.map((entry) => entry.origin);
}

/**
 * The simulators containers may name as hosts, each with its time scale: CHAINKEEPER_SIMULATOR_TIME_SCALES for
 * its key, else CHAINKEEPER_TIME_SCALE. Exact's own hosts always run at real time, whatever these say.
 */
export function simulatorHostsFromEnv(env: ChainkeeperEnv): SimulatorHost[] {
  return simulatorHostEntries(env.CHAINKEEPER_SIMULATOR_ORIGINS).map(({ key, origin }) => ({
    key,
    baseUrl: origin,
    timeScale: env.CHAINKEEPER_SIMULATOR_TIME_SCALES[key] ?? env.CHAINKEEPER_TIME_SCALE,
  }));
}
