import type { Logger } from 'pino';

/** The slice of a pino logger the poster code uses; a full pino Logger (or child) fits. */
export type PosterLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
