import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Secrets never reach the logs: any field with one of these names is replaced, wherever it sits
 * in a log object (pino's redaction), and the TMDB key is scrubbed from URLs by the poster client.
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
];

/** Pretty, coloured lines in a terminal; one JSON object per line otherwise (for log shippers). */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT, censor: '[redacted]' },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } }
      : {}),
  });
}
