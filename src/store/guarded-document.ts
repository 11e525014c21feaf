/**
 * Shared documents of a server (its settings, its list, an open poll): one read-change-write is one store
 * transaction (`updateDocument`, see transaction.ts), so two shards never interleave. `change` must be
 * synchronous and may run more than once (Redis retries on a conflict): set any result it reports on every run.
 * Kept apart from member ratings: these documents belong to a server, not to a member.
 */
import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import { acquireLock, processLockOwner } from './locks.ts';

export { updateDocument } from './transaction.ts';

const owner = () => `${processLockOwner()}:${randomUUID().slice(0, 8)}`;

/**
 * True for exactly one caller per `name` across every process sharing the store (for `ttlMs`):
 * "post this poll once", "announce this result once". Never released, so a second press after
 * the first finished is refused too.
 */
export async function claimOnce(store: Keyv, name: string, ttlMs: number): Promise<boolean> {
  return acquireLock(store, `once:${name}`, ttlMs, owner());
}
