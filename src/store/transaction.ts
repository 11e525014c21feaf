/**
 * Atomic read-change-write of a few keys of a keyv store, for state whose new value depends on its old one
 * (a member's document, a counter, an index). One call is one backend transaction, never a lease:
 * - SQLite: one `BEGIN IMMEDIATE` transaction (see SqliteStore.transact), waiting for another connection's
 *   writer without blocking the event loop.
 * - Redis: read the keys, compute, then one Lua script that writes only if none of them changed since the read
 *   (compare-and-set); on a change it reads and computes again (see redis-store.ts).
 * - keyv's in-memory Map (tests): queued per store within the process, which is all there is.
 *
 * Rules for `work`: it is synchronous and pure apart from the view it gets, because it runs inside the SQLite
 * write transaction and may run more than once on Redis; it may only touch the keys it declared. Values are
 * stored exactly as `keyv.set(key, value)` would store them (same serializer, no expiry), so plain keyv reads
 * see them and transactions see values written by plain keyv writes.
 *
 * Usage (another feature's per-guild document, say):
 *   await updateDocument<Poll>(store, `poll:${guildId}`, (poll) => ({ ...(poll ?? emptyPoll()), closed: true }));
 *   await storeTransaction(store, [a, b], (tx) => { tx.set(a, f(tx.get(a))); tx.delete(b); });
 */
import KeyvRedis from '@keyv/redis';
import type { Keyv } from 'keyv';
import { redisTransact } from './redis-store.ts';

/** What `work` sees: the declared keys' values at the start of the transaction, and the writes it queues. */
export interface TransactionView {
  get<T>(key: string): T | undefined;
  /** Stores `value` without expiry (as keyv.set without a ttl). */
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/**
 * A raw write decided for one key: undefined leaves it alone, null deletes it, a string (serialized keyv data)
 * replaces it.
 */
export type RawWrite = string | null | undefined;

/** A backend able to run one atomic read-decide-write over raw (serialized) values of its own keys. */
export interface TransactionalAdapter {
  /** `decide` gets the current raw values (undefined: absent or expired) and returns one write per key. */
  transact(
    keys: readonly string[],
    decide: (current: readonly (string | undefined)[]) => RawWrite[],
  ): Promise<void>;
}

function isTransactionalAdapter(adapter: unknown): adapter is TransactionalAdapter {
  return typeof (adapter as Partial<TransactionalAdapter> | null)?.transact === 'function';
}

/** Runs `work` over `keys` as one atomic transaction and resolves with its result once the writes committed. */
export async function storeTransaction<R>(
  store: Keyv,
  keys: readonly string[],
  work: (tx: TransactionView) => R,
): Promise<R> {
  if (keys.length === 0) throw new RangeError('storeTransaction: declare at least one key');
  if (new Set(keys).size !== keys.length) throw new RangeError('storeTransaction: keys must be distinct');
  const adapter: unknown = store.store;
  if (adapter instanceof Map) return memoryTransaction(store, adapter, keys, work);
  const raw = rawAdapter(adapter);
  const codec = codecOf(store);
  let result: { value: R } | undefined;
  await raw.transact(keys, (current) => {
    const view = new RecordingView(
      keys,
      current.map((value) => (value === undefined ? undefined : codec.decode(value))),
    );
    result = { value: checkedResult(work(view)) };
    return view.writes.map((write) =>
      write === undefined ? undefined : write.deleted ? null : codec.encode(write.value),
    );
  });
  return result!.value;
}

/** One document's read-change-write; `change` returns the new document, or undefined to delete it. */
export function updateDocument<T>(
  store: Keyv,
  key: string,
  change: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  return storeTransaction(store, [key], (tx) => {
    const next = change(tx.get<T>(key));
    if (next === undefined) tx.delete(key);
    else tx.set(key, next);
    return next;
  });
}

type Write = { deleted: true } | { deleted: false; value: unknown };

class RecordingView implements TransactionView {
  readonly writes: (Write | undefined)[];

  constructor(
    private readonly keys: readonly string[],
    private readonly values: unknown[],
  ) {
    this.writes = keys.map(() => undefined);
  }

  get<T>(key: string): T | undefined {
    const at = this.indexOf(key);
    const write = this.writes[at];
    if (write) return write.deleted ? undefined : (write.value as T);
    return this.values[at] as T | undefined;
  }

  set(key: string, value: unknown): void {
    if (value === undefined) throw new TypeError(`transaction: set(${key}, undefined); use delete`);
    this.writes[this.indexOf(key)] = { deleted: false, value };
  }

  delete(key: string): void {
    this.writes[this.indexOf(key)] = { deleted: true };
  }

  private indexOf(key: string): number {
    const at = this.keys.indexOf(key);
    if (at < 0) throw new RangeError(`transaction: key ${key} was not declared`);
    return at;
  }
}

function checkedResult<R>(value: R): R {
  if (value instanceof Promise)
    throw new TypeError('transaction work must be synchronous (it runs inside the store transaction)');
  return value;
}

function rawAdapter(adapter: unknown): TransactionalAdapter {
  if (isTransactionalAdapter(adapter)) return adapter;
  // A KeyvRedis made elsewhere (not by createStore): transactions share its one connection.
  if (adapter instanceof KeyvRedis)
    return { transact: (keys, decide) => redisTransact(adapter, adapter, keys, decide) };
  throw new Error('storeTransaction needs a store from createStore() (SQLite or Redis) or an in-memory Keyv');
}

/** keyv's own (de)serializer, which must be synchronous to run inside a transaction. */
function codecOf(store: Keyv) {
  const { serialize, deserialize } = store;
  if (!serialize || !deserialize) throw new Error('storeTransaction needs a keyv with a serializer');
  return {
    encode(value: unknown): string {
      const encoded = serialize({ value, expires: undefined });
      if (typeof encoded !== 'string') throw new TypeError('storeTransaction needs a synchronous serializer');
      return encoded;
    },
    decode(raw: string): unknown {
      const decoded = deserialize<unknown>(raw);
      if (decoded instanceof Promise)
        throw new TypeError('storeTransaction needs a synchronous deserializer');
      if (!decoded) return undefined;
      const expired = typeof decoded.expires === 'number' && decoded.expires <= Date.now();
      return expired ? undefined : decoded.value;
    },
  };
}

/** keyv's Map store lives in this process: queueing its transactions one after another makes them atomic. */
const memoryQueues = new WeakMap<object, Promise<unknown>>();

async function memoryTransaction<R>(
  store: Keyv,
  map: Map<unknown, unknown>,
  keys: readonly string[],
  work: (tx: TransactionView) => R,
): Promise<R> {
  const run = async (): Promise<R> => {
    const view = new RecordingView(keys, await Promise.all(keys.map((key) => store.get(key))));
    const result = checkedResult(work(view));
    for (const [at, write] of view.writes.entries()) {
      if (write?.deleted) await store.delete(keys[at]);
      else if (write) await store.set(keys[at], write.value);
    }
    return result;
  };
  const next = (memoryQueues.get(map) ?? Promise.resolve()).then(run, run);
  memoryQueues.set(
    map,
    next.catch(() => {}),
  );
  return next;
}
