/**
 * One read-change-write of a small shared document (a server's settings, its list, an open poll),
 * guarded across processes by a short lease in the same store, so two shards never interleave.
 * Kept apart from member ratings: these documents belong to a server, not to a member.
 */
import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import { acquireLock, processLockOwner, releaseLock } from './locks.ts';

/** A few store operations fit well within this; it only matters if a process dies holding it. */
const LEASE_TTL_MS = 2_000;
/** How long a writer waits for a held lease before failing loudly (never silently). */
const LEASE_WAIT_MS = 10_000;

const owner = () => `${processLockOwner()}:${randomUUID().slice(0, 8)}`;

/**
 * Applies `change` to the document at `key` (undefined when absent) and writes its result back;
 * `undefined` deletes the document, and returning the same object unchanged still writes it.
 * Resolves with what was written.
 */
export async function updateDocument<T>(
  store: Keyv,
  key: string,
  change: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  const me = owner();
  const lease = `doc:${key}`;
  const deadline = Date.now() + LEASE_WAIT_MS;
  while (!(await acquireLock(store, lease, LEASE_TTL_MS, me))) {
    if (Date.now() > deadline) throw new Error(`store document ${key.split(':')[0]} stayed busy`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  try {
    const next = change(await store.get<T>(key));
    if (next === undefined) await store.delete(key);
    else await store.set(key, next);
    return next;
  } finally {
    await releaseLock(store, lease, me);
  }
}

/**
 * True for exactly one caller per `name` across every process sharing the store (for `ttlMs`):
 * "post this poll once", "announce this result once". Never released, so a second press after
 * the first finished is refused too.
 */
export async function claimOnce(store: Keyv, name: string, ttlMs: number): Promise<boolean> {
  return acquireLock(store, `once:${name}`, ttlMs, owner());
}
