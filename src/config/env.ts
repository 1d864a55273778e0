import { resolve } from 'node:path';
import { z } from 'zod';
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
      .max(120_000, 'must be at most 120000 ms: a slower answer is better treated as lost')
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
    CHAINKEEPER_CODEC_TOKEN: optionalString,
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
    SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    SIMULATOR_STATE_FILE: optionalString,
    TEMPORAL_UI_PORT: port.default(8233),
    SIMULATOR_PORT: port.default(8870),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    CHROMIUM_PATH: optionalString,
  })
  .superRefine((env, ctx) => {
    if (env.CHAINKEEPER_WEBHOOK_URL && !env.CHAINKEEPER_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHAINKEEPER_WEBHOOK_SECRET'],
        message: 'webhooks are signed: set CHAINKEEPER_WEBHOOK_SECRET (receivers verify with it) or unset the URL',
      });
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
