/**
 * The Exact API proxy, as a library without Temporal: consumers call `/{alias}/api/v1/…` with their own bearer
 * token and never hold an Exact token. The `chainkeeper proxy` command wires it to the token provider.
 */
export { startProxy, type ProxyOptions, type RunningProxy } from './server';
export type { ProxyTokenSource, RequestRecord } from './forwarder';
export type { ExactTarget, FindExactTarget } from './targets';
export { ConsumerTokensError, parseConsumerTokens, type ConsumerEntry } from './consumer-tokens';
export { createProxyMetrics, type ProxyMetrics } from './metrics';
export { ProxyError, type ProxyErrorCode } from './errors';
export * from './constants';
