import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Field paths pino replaces with "[redacted]" wherever they appear, as a second line of defence: code never
 * logs secrets on purpose, but an object logged whole might carry one.
 */
export const REDACTED_PATHS = [
  '*.password',
  '*.totpSecret',
  '*.clientSecret',
  '*.refreshToken',
  '*.accessToken',
  '*.code',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.sealedBox',
  'password',
  'totpSecret',
  'clientSecret',
  'refreshToken',
  'accessToken',
  'apiKey',
];

/** Structured JSON logs on stdout (or the given stream), with secrets redacted. */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: { service: 'chainkeeper' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination,
  );
}
