/**
 * Leases ("locks with an expiry") shared by every process that uses the same store, e.g. so that only one shard
 * runs the nightly retrain.
 *
 * Semantics, identical for every backend:
 * - A lock is identified by (the store's namespace, `name`) and held by an `owner` string that should be unique
 *   per process (see `processLockOwner`).
 * - `acquireLock` succeeds if nobody holds the lock, if the holder's lease has run out, or if `owner` already
 *   holds it, in which case the lease is renewed to `ttlMs` from now. The decision is one atomic step in the
 *   backend (SQLite UPSERT; Redis SET NX PX), so two processes never both get true for the same lease.
 * - The lease ends by itself after `ttlMs`: a crashed holder cannot block the others forever. The flip side is
 *   that a holder whose work outlives `ttlMs` may lose the lock; pick a ttl longer than the job, or renew by
 *   calling `acquireLock` again with the same owner while working.
 * - `releaseLock` frees the lock only if `owner` still holds it, and says whether it did.
 * - Locks are kept apart from the key-value data: `store.clear()` does not release them.
 * - Expiry uses the SQLite clients' clocks (same host, same clock) or the Redis server's clock.
 *
 * For a once-a-night job do NOT release when done: a shard whose timer fires a little later would take the
 * freed lock and run the job a second time. Either hold a lease that outlasts the window (e.g. 20 h), or put
 * the date in the name (`retrain:2025-01-31`) and let the lease expire.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import type { Keyv } from 'keyv';
import type { LockingAdapter } from './sqlite-store.ts';

/** Redis keys for locks; deliberately not `<namespace>::…`, which keyv's clear() would sweep. */
function redisLockKey(namespace: string | undefined, name: string): string {
  return `flickpick:lock:${namespace ?? ''}:${name}`;
}

// Renewal by the current holder has to compare and extend in one step, hence a script.
const REDIS_RENEW_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const REDIS_DELETE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** The two commands we use; the adapter's client type is a union over client, cluster and sentinel. */
interface RedisLockCommands {
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

function redisLocking(adapter: KeyvRedis<unknown>): LockingAdapter {
  const client = async () => (await adapter.getClient()) as unknown as RedisLockCommands;
  return {
    async tryAcquireLock(name, owner, ttlMs) {
      const key = redisLockKey(adapter.namespace, name);
      const redis = await client();
      const set = await redis.set(key, owner, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
      if (set === 'OK') return true;
      const renewed = await redis.eval(REDIS_RENEW_IF_OWNER, {
        keys: [key],
        arguments: [owner, String(ttlMs)],
      });
      return Number(renewed) === 1;
    },
    async releaseLock(name, owner) {
      const key = redisLockKey(adapter.namespace, name);
      const deleted = await (await client()).eval(REDIS_DELETE_IF_OWNER, { keys: [key], arguments: [owner] });
      return Number(deleted) === 1;
    },
  };
}

/**
 * keyv's default in-memory Map store lives in one process, so an in-process table gives it the same
 * semantics; handy for tests that use `new Keyv()`.
 */
const memoryLocks = new WeakMap<object, Map<string, { owner: string; expiresAt: number }>>();

function memoryLocking(map: Map<unknown, unknown>, namespace: string | undefined): LockingAdapter {
  let table = memoryLocks.get(map);
  if (!table) memoryLocks.set(map, (table = new Map()));
  const locks = table;
  const id = (name: string) => `${namespace ?? ''}\u0000${name}`;
  return {
    async tryAcquireLock(name, owner, ttlMs) {
      const held = locks.get(id(name));
      const now = Date.now();
      if (held && held.expiresAt > now && held.owner !== owner) return false;
      locks.set(id(name), { owner, expiresAt: now + ttlMs });
      return true;
    },
    async releaseLock(name, owner) {
      const held = locks.get(id(name));
      if (!held || held.owner !== owner || held.expiresAt <= Date.now()) return false;
      return locks.delete(id(name));
    },
  };
}

function isLockingAdapter(adapter: unknown): adapter is LockingAdapter {
  const candidate = adapter as Partial<LockingAdapter> | null;
  return typeof candidate?.tryAcquireLock === 'function' && typeof candidate.releaseLock === 'function';
}

function lockingFor(store: Keyv): LockingAdapter {
  const adapter: unknown = store.store;
  if (isLockingAdapter(adapter)) return adapter;
  if (adapter instanceof KeyvRedis) return redisLocking(adapter);
  if (adapter instanceof Map) return memoryLocking(adapter, store.namespace);
  throw new Error(
    'acquireLock/releaseLock need a store from createStore() (SQLite or Redis) or an in-memory Keyv',
  );
}

function assertLockArguments(name: string, owner: string, ttlMs?: number): void {
  if (name === '') throw new RangeError('lock name must not be empty');
  if (owner === '') throw new RangeError('lock owner must not be empty');
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`lock ttlMs must be a positive integer, got ${ttlMs}`);
  }
}

/** True if `owner` now holds lock `name` for the next `ttlMs` milliseconds (see the module comment). */
export async function acquireLock(store: Keyv, name: string, ttlMs: number, owner: string): Promise<boolean> {
  assertLockArguments(name, owner, ttlMs);
  return lockingFor(store).tryAcquireLock(name, owner, ttlMs);
}

/** True if `owner` held lock `name` and it is now free; false if it had expired or belongs to someone else. */
export async function releaseLock(store: Keyv, name: string, owner: string): Promise<boolean> {
  assertLockArguments(name, owner);
  return lockingFor(store).releaseLock(name, owner);
}

let thisProcessOwner: string | undefined;

/** An owner id unique to this process (host, pid and a random suffix, since pids are reused across restarts). */
export function processLockOwner(): string {
  thisProcessOwner ??= `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  return thisProcessOwner;
}
