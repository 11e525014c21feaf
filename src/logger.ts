import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubLogLine, serializeError } from './log-safety.ts';

export type { Logger };

/**
 * Secrets never reach the logs. Three layers (see log-safety.ts): fields with these names are
 * replaced wherever they sit in a log object (pino's redaction); errors are logged by an
 * allow-list of fields (no request URL, body or raw response); and every finished line has
 * token-shaped strings replaced and Discord ids pseudonymised before it is written.
 */
const REDACT = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'apiKey',
  '*.apiKey',
  'readToken',
  '*.readToken',
  'TMDB_API_KEY',
  '*.TMDB_API_KEY',
  'TMDB_READ_TOKEN',
  '*.TMDB_READ_TOKEN',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'STORE_URL',
  '*.STORE_URL',
];

/** The pino options every FlickPick logger uses, whatever it writes to. */
export function safeLoggerOptions(level: string): pino.LoggerOptions {
  return {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    hooks: { streamWrite: scrubLogLine },
  };
}

/**
 * Pretty, coloured lines in a terminal; one JSON object per line otherwise (for log shippers).
 * `destination` (e.g. the training process's pipe to its parent, or a test's file) overrides both.
 */
export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: DestinationStream; base?: null } = {},
): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const safe = { ...safeLoggerOptions(level), ...(options.base === null ? { base: undefined } : {}) };
  if (options.destination) return pino(safe, options.destination);
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  return pino({
    ...safe,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } }
      : {}),
  });
}
