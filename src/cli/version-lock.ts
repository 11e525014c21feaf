/**
 * The CLI's writers of models/CURRENT (train, rollback) take the same lock as the bot's retrain:
 * the lease in the bot's store (STORE_URL, or the SQLite file in DATA_DIR), so a CLI command and
 * a running bot, on this machine or sharing Redis, never write CURRENT at the same time.
 */
import { randomBytes } from 'node:crypto';
import type { Keyv } from 'keyv';
import { VersionLockBusyError, withVersionLock, type RetrainLease } from '../retrain/lease.ts';
import { openBotStore } from '../store/bot-store.ts';
import { processLockOwner } from '../store/index.ts';
import { UsageError, type CliContext } from './context.ts';

export async function withCliVersionLock<T>(
  context: CliContext,
  what: string,
  write: (lease: RetrainLease, store: Keyv) => Promise<T>,
  ttlMs?: number,
): Promise<T> {
  const store = openBotStore(context.config, context.logger);
  const owner = `${processLockOwner()}:cli-${randomBytes(2).toString('hex')}`;
  try {
    return await withVersionLock(store, owner, context.logger, what, (lease) => write(lease, store), ttlMs);
  } catch (error) {
    if (error instanceof VersionLockBusyError)
      throw new UsageError(`${error.message}. Try again when it has finished.`);
    throw error;
  } finally {
    await store.disconnect().catch(() => {});
  }
}
