/** The one way the bot opens persistent state: a keyv over SQLite by default, over Redis when shards share it. */
import { fileURLToPath } from 'node:url';
import { Keyv } from 'keyv';
import type { Logger } from 'pino';
import { RedisStore } from './redis-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { redactStoreUrl, resolveStoreTarget } from './store-url.ts';

export interface CreateStoreOptions {
  /** `redis://…`, `rediss://…` or `sqlite://path`; defaults to the STORE_URL environment variable, then SQLite. */
  url?: string;
  /** Keeps this store's keys apart from other stores on the same backend; `clear()` affects only this one. */
  namespace: string;
  /** Folder of the default SQLite file (`flickpick.sqlite`); defaults to the repository's `data/`. */
  dataDir?: string;
  /** SQLite: how long an operation waits for another connection's write (default 10 s; see SqliteStore). */
  busyTimeoutMs?: number;
  /** Receives backend errors (connection drops etc.), which keyv otherwise only emits as events. */
  logger?: Pick<Logger, 'warn'>;
}

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/** A fresh Redis connection that has not answered within this time fails the operation instead of hanging. */
const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed) the store. Synchronous: SQLite opens at once and Redis connects on first use.
 * Errors from the backend are thrown from keyv's methods (`throwOnErrors`) rather than turned into silent
 * misses, so callers that can live with a miss must catch. Call `await store.disconnect()` on shutdown.
 */
export function createStore(options: CreateStoreOptions): Keyv {
  if (options.namespace === '') throw new RangeError('createStore: namespace must not be empty');
  const target = resolveStoreTarget(
    options.url ?? process.env.STORE_URL,
    options.dataDir ?? DEFAULT_DATA_DIR,
  );

  const adapter =
    target.kind === 'redis'
      ? new RedisStore(target.url, {
          namespace: options.namespace,
          throwOnErrors: true,
          connectionTimeout: REDIS_CONNECT_TIMEOUT_MS,
        })
      : new SqliteStore({ path: target.path, busyTimeoutMs: options.busyTimeoutMs });

  // Both adapters prefix by namespace themselves; keyv's own `ns:` prefix on top would only be redundant.
  const store = new Keyv(adapter, { namespace: options.namespace, useKeyPrefix: false, throwOnErrors: true });

  const where = target.kind === 'redis' ? redactStoreUrl(target.url) : target.path;
  store.on('error', (error: unknown) => {
    options.logger?.warn({ err: error, store: where, namespace: options.namespace }, 'store backend error');
  });
  return store;
}
