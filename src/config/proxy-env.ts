import { z } from 'zod';
import {
  DEFAULT_EXACT_TIMEOUT_MS,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_PROXY_HOST,
  DEFAULT_PROXY_PORT,
} from '../proxy/constants';
import { ConsumerTokensError, parseConsumerTokens } from '../proxy/consumer-tokens';

/**
 * The Exact API proxy's variables (`chainkeeper proxy`), part of chainkeeper's configuration (env.ts). The
 * consumer tokens are checked here when given inline; a tokens file is read and checked when the proxy starts.
 */
export const PROXY_ENV_SHAPE = {
  CHAINKEEPER_PROXY_HOST: z.string().min(1).default(DEFAULT_PROXY_HOST),
  CHAINKEEPER_PROXY_PORT: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be a TCP port (0–65535)')
    .max(65535, 'must be a TCP port (0–65535)')
    .default(DEFAULT_PROXY_PORT),
  /** CHAINKEEPER_PROXY_TOKENS: `name:token[:alias1|alias2]`, comma-separated; never echoed in a message. */
  CHAINKEEPER_PROXY_TOKENS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined || value.trim() === '') return;
      try {
        parseConsumerTokens(value);
      } catch (error) {
        if (!(error instanceof ConsumerTokensError)) throw error;
        for (const problem of error.problems) ctx.addIssue({ code: 'custom', message: problem });
      }
    })
    .transform((value) => (value?.trim() ? value : undefined)),
  CHAINKEEPER_PROXY_TOKENS_FILE: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined)),
  CHAINKEEPER_PROXY_MAX_BYTES: z.coerce
    .number()
    .int('must be a whole number of bytes')
    .min(1024, 'must be at least 1024 bytes')
    .max(64 * 1024 * 1024, 'must be at most 67108864 bytes (64 MiB): the proxy keeps a body until Exact answers')
    .default(DEFAULT_MAX_REQUEST_BYTES),
  CHAINKEEPER_PROXY_TIMEOUT_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1000 ms')
    .max(600_000, 'must be at most 600000 ms (10 minutes)')
    .default(DEFAULT_EXACT_TIMEOUT_MS),
};
