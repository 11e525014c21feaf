export { createStore, DEFAULT_DATA_DIR, type CreateStoreOptions } from './create-store.ts';
export { acquireLock, releaseLock, processLockOwner } from './locks.ts';
export { SqliteStore, type SqliteStoreOptions, type LockingAdapter } from './sqlite-store.ts';
export { resolveStoreTarget, redactStoreUrl, DEFAULT_SQLITE_FILE, type StoreTarget } from './store-url.ts';
export {
  storeTransaction,
  updateDocument,
  type TransactionView,
  type TransactionalAdapter,
} from './transaction.ts';
export { StoreBusyError } from './store-busy.ts';
