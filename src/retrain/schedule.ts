/**
 * The nightly retrain on node-cron 4. Every shard schedules it; node-cron's `distributed` mode asks a
 * run coordinator before each fire, and ours claims the slot (e.g. 03:00 on the 27th) in the shared
 * store. The claim is never released: a shard whose timer fires after the winner has finished must
 * not run the same night again (see src/store/locks.ts). The retrain lock then also keeps the
 * nightly run from starting while a /retrain run is going on anywhere.
 */
import type { Keyv } from 'keyv';
import cron, { type ScheduledTask, type Logger as CronLogger } from 'node-cron';
import type { Logger } from 'pino';
import { acquireLock } from '../store/index.ts';

const TASK_NAME = 'flickpick-retrain';
/** Longer than any clock skew between shards, shorter than any sensible schedule period. */
const SLOT_CLAIM_TTL_MS = 60 * 60_000;
/** A nightly job that starts a little late is fine; skipping the night because of one slow tick is not. */
const MISSED_TOLERANCE_MS = 5 * 60_000;

export interface NightlyOptions {
  expression: string;
  timezone?: string;
  store: Keyv;
  /** This process's lock owner id. */
  owner: string;
  logger: Logger;
  run: () => Promise<void>;
}

function cronLogger(logger: Logger): CronLogger {
  const text = (message: string | Error) => (message instanceof Error ? message.message : message);
  return {
    info: (message) => logger.info(`node-cron: ${message}`),
    warn: (message) => logger.warn(`node-cron: ${message}`),
    error: (message, err) => logger.error({ err: err ?? message }, `node-cron: ${text(message)}`),
    debug: (message, err) => logger.debug({ err }, `node-cron: ${text(message)}`),
  };
}

export function scheduleNightly(options: NightlyOptions): ScheduledTask {
  const { logger } = options;
  const task = cron.schedule(options.expression, options.run, {
    name: TASK_NAME,
    timezone: options.timezone,
    noOverlap: true,
    distributed: true,
    distributedLease: SLOT_CLAIM_TTL_MS,
    runCoordinator: { shouldRun: (key, ttlMs) => acquireLock(options.store, key, ttlMs, options.owner) },
    missedExecutionTolerance: MISSED_TOLERANCE_MS,
    logger: cronLogger(logger),
  });
  task.on('execution:skipped', (context) =>
    logger.info(
      { slot: context.date.toISOString(), reason: context.reason },
      'nightly retrain skipped: another process took this slot',
    ),
  );
  logger.info(
    {
      cron: options.expression,
      timezone: options.timezone ?? 'local',
      next: task.getNextRun()?.toISOString(),
    },
    'nightly retrain scheduled',
  );
  return task;
}
