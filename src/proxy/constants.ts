/**
 * The proxy's defaults and Exact-derived bounds, with their units, in one place. Exact's own limits (60 calls a
 * minute, 5,000 a day per company; 10 errors an hour per endpoint) are read from its headers or src/exact/rules.
 */
import { ERRORS_PER_ENDPOINT_PER_HOUR } from '../exact/rules';

/** Loopback, so nothing outside this machine reaches the proxy unless an operator says so. */
export const DEFAULT_PROXY_HOST = '127.0.0.1';
export const DEFAULT_PROXY_PORT = 8890;

/** Largest request body forwarded (bytes): Exact's REST API takes JSON entities of a few kB. */
export const DEFAULT_MAX_REQUEST_BYTES = 1_048_576;
/** Longest wait for Exact's response headers, and longest silence inside a body either way (ms). */
export const DEFAULT_EXACT_TIMEOUT_MS = 60_000;
/** Longest TCP + TLS connect to Exact (ms). */
export const EXACT_CONNECT_TIMEOUT_MS = 5_000;

/** Error answers (400/401/403/404) per endpoint in an hour after which the proxy stops forwarding to it. */
export const ERROR_BUDGET_PER_HOUR = ERRORS_PER_ENDPOINT_PER_HOUR - 2;
/** The window those errors are counted in (ms): Exact's hour. */
export const ERROR_WINDOW_MS = 3_600_000;
/** The statuses Exact counts as errors toward blocking the key. */
export const COUNTED_ERROR_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404]);
/** How long Exact blocks a key that it answered 403 "Blocked" without a Retry-After (s). */
export const EXACT_BLOCK_S = 3_600;

/**
 * Requests in flight to one company at once. Every request in flight when Exact refuses a rotated token comes
 * back as a 401 that counts as an error, so this stays at half the error budget; 4 in flight still spend a
 * minute's 60 calls in a few seconds.
 */
export const MAX_IN_FLIGHT_PER_COMPANY = 4;
/** Longest a request waits in its company's queue before the proxy answers 503 (ms): two minutes' worth. */
export const DEFAULT_QUEUE_TIMEOUT_MS = 120_000;
/** Extra wait past the reset Exact announced, so its clock has surely turned the minute (ms). */
export const RESET_MARGIN_MS = 200;
/** Calls a minute assumed when a reset passed and Exact has not said its limit yet. */
export const DEFAULT_MINUTELY_LIMIT = 60;

/** How long the proxy remembers where a container's Exact host is (ms). */
export const TARGET_CACHE_MS = 300_000;
/** Seconds a token must still be valid when the proxy sends it: Exact checks it on arrival. */
export const TOKEN_MIN_VALIDITY_S = 15;
/**
 * Seconds before that margin the next token is fetched in the background. The container may rotate 570 s after
 * issue and its token dies at 600 s, so 15 + 30 starts the fetch 15 s before the rotation is allowed.
 */
export const TOKEN_REFRESH_AHEAD_S = 30;

/** Distinct values kept per metric label (endpoints, aliases, divisions); more become "other", so no caller floods Prometheus. */
export const MAX_ENDPOINT_LABELS = 200;
/** Consumer bearer tokens shorter than this could be guessed or were typed by hand. */
export const CONSUMER_TOKEN_MIN_CHARS = 32;
