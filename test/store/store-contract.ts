/**
 * The behaviour every backend of createStore must show, run against SQLite always and Redis when available.
 * `open` must return a new instance (its own connection) onto the same shared data each time it is called.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { Keyv } from 'keyv';
import { acquireLock, releaseLock, storeTransaction, updateDocument } from '../../src/store/index.ts';

export interface StoreFixture {
  open(namespace: string): Keyv;
}

/** Long enough to set and read back before expiry on a loaded CI machine, short enough to wait out. */
const SHORT_TTL_MS = 500;

export function defineStoreContract(fixture: () => StoreFixture): void {
  const opened: Keyv[] = [];
  const open = (namespace: string): Keyv => {
    const store = fixture().open(namespace);
    opened.push(store);
    return store;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.disconnect()));
  });

  it('sets and gets structured values, and misses unknown keys', async () => {
    const store = open('contract-basic');
    await store.set('movie:1', { title: 'Toy Story (1995)', genres: ['Animation'] });
    await store.set('count', 42);
    expect(await store.get('movie:1')).toEqual({ title: 'Toy Story (1995)', genres: ['Animation'] });
    expect(await store.get('count')).toBe(42);
    expect(await store.get('absent')).toBeUndefined();
    expect(await store.has('count')).toBe(true);
    expect(await store.delete('count')).toBe(true);
    expect(await store.get('count')).toBeUndefined();
  });

  it('reads and deletes many keys at once', async () => {
    const store = open('contract-many');
    await store.set('a', 1);
    await store.set('c', 3);
    expect(await store.getMany(['a', 'b', 'c'])).toEqual([1, undefined, 3]);
    expect(await store.deleteMany(['a', 'c'])).toBe(true);
    expect(await store.getMany(['a', 'c'])).toEqual([undefined, undefined]);
  });

  it('expires entries after their ttl and keeps entries without one', async () => {
    const store = open('contract-ttl');
    await store.set('short', 'soon gone', SHORT_TTL_MS);
    await store.set('forever', 'stays');
    expect(await store.get('short')).toBe('soon gone');
    await vi.waitFor(async () => expect(await store.get('short')).toBeUndefined(), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await store.has('short')).toBe(false);
    expect(await store.get('forever')).toBe('stays');
  });

  it('keeps namespaces apart', async () => {
    const users = open('contract-users');
    const posters = open('contract-posters');
    await users.set('42', 'user');
    await posters.set('42', 'poster');
    expect(await users.get('42')).toBe('user');
    expect(await posters.get('42')).toBe('poster');
  });

  it('clears only its own namespace', async () => {
    const mine = open('contract-clear-mine');
    const theirs = open('contract-clear-theirs');
    await mine.set('k', 1);
    await theirs.set('k', 2);
    await mine.clear();
    expect(await mine.get('k')).toBeUndefined();
    expect(await theirs.get('k')).toBe(2);
  });

  it('keeps data across a reopen (a bot restart)', async () => {
    const before = open('contract-restart');
    await before.set('profile:7', { liked: [1, 2, 3] });
    await before.disconnect();
    const after = open('contract-restart');
    expect(await after.get('profile:7')).toEqual({ liked: [1, 2, 3] });
  });

  it('gives a lock to one holder at a time across two store instances', async () => {
    const shardA = open('contract-jobs');
    const shardB = open('contract-jobs');
    expect(await acquireLock(shardA, 'retrain', 60_000, 'shard-a')).toBe(true);
    expect(await acquireLock(shardB, 'retrain', 60_000, 'shard-b')).toBe(false);
    // The holder may renew; others still cannot take it or release it.
    expect(await acquireLock(shardB, 'retrain', 60_000, 'shard-a')).toBe(true);
    expect(await releaseLock(shardB, 'retrain', 'shard-b')).toBe(false);
    expect(await acquireLock(shardB, 'retrain', 60_000, 'shard-b')).toBe(false);
    expect(await releaseLock(shardA, 'retrain', 'shard-a')).toBe(true);
    expect(await releaseLock(shardA, 'retrain', 'shard-a')).toBe(false);
    expect(await acquireLock(shardB, 'retrain', 60_000, 'shard-b')).toBe(true);
    await releaseLock(shardB, 'retrain', 'shard-b');
  });

  it('lets exactly one of many simultaneous contenders win', async () => {
    const shards = [open('contract-race'), open('contract-race')];
    const attempts = Array.from({ length: 10 }, (_, i) =>
      acquireLock(shards[i % 2], 'nightly', 60_000, `contender-${i}`),
    );
    const won = (await Promise.all(attempts)).filter(Boolean);
    expect(won).toHaveLength(1);
  });

  it('hands an expired lock to the next contender', async () => {
    const shardA = open('contract-expiry');
    const shardB = open('contract-expiry');
    expect(await acquireLock(shardA, 'retrain', SHORT_TTL_MS, 'shard-a')).toBe(true);
    expect(await acquireLock(shardB, 'retrain', 60_000, 'shard-b')).toBe(false);
    await vi.waitFor(async () => expect(await acquireLock(shardB, 'retrain', 60_000, 'shard-b')).toBe(true), {
      timeout: 10_000,
      interval: 50,
    });
    // The old holder's lease is gone: it can neither release nor silently renew it.
    expect(await releaseLock(shardA, 'retrain', 'shard-a')).toBe(false);
    expect(await acquireLock(shardA, 'retrain', 60_000, 'shard-a')).toBe(false);
  });

  it('scopes locks to the namespace and leaves them alone on clear()', async () => {
    const jobs = open('contract-lock-scope-jobs');
    const other = open('contract-lock-scope-other');
    expect(await acquireLock(jobs, 'retrain', 60_000, 'a')).toBe(true);
    expect(await acquireLock(other, 'retrain', 60_000, 'b')).toBe(true);
    await jobs.clear();
    expect(await acquireLock(jobs, 'retrain', 60_000, 'c')).toBe(false);
  });

  it('rejects meaningless lock arguments', async () => {
    const store = open('contract-lock-args');
    await expect(acquireLock(store, 'retrain', 0, 'a')).rejects.toThrow(RangeError);
    await expect(acquireLock(store, '', 1000, 'a')).rejects.toThrow(RangeError);
    await expect(releaseLock(store, 'retrain', '')).rejects.toThrow(RangeError);
  });

  it('runs a transaction over several keys, seen by plain reads, and sees plain writes', async () => {
    const store = open('contract-tx');
    await store.set('polls:index', ['p1']);
    const result = await storeTransaction(store, ['polls:index', 'poll:p2', 'poll:p1'], (tx) => {
      tx.set('poll:p2', { question: 'Friday?', votes: { yes: 1 } });
      tx.set('polls:index', [...(tx.get<string[]>('polls:index') ?? []), 'p2']);
      // A transaction reads its own writes.
      expect(tx.get('poll:p2')).toEqual({ question: 'Friday?', votes: { yes: 1 } });
      tx.delete('poll:p1');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await store.get('polls:index')).toEqual(['p1', 'p2']);
    expect(await store.get('poll:p2')).toEqual({ question: 'Friday?', votes: { yes: 1 } });
    expect(await updateDocument<string[]>(store, 'polls:index', (index) => index?.slice(1))).toEqual(['p2']);
    await updateDocument(store, 'poll:p2', () => undefined);
    expect(await store.get('poll:p2')).toBeUndefined();
  });

  it('loses no increment when two connections update one document at once', async () => {
    const [a, b] = [open('contract-tx-race'), open('contract-tx-race')];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        updateDocument<{ n: number; by: number[] }>(i % 2 === 0 ? a : b, 'counter', (doc) => ({
          n: (doc?.n ?? 0) + 1,
          by: [...(doc?.by ?? []), i],
        })),
      ),
    );
    const counter = await a.get<{ n: number; by: number[] }>('counter');
    expect(counter?.n).toBe(60);
    expect(new Set(counter?.by).size).toBe(60);
  });

  it('refuses a transaction that touches an undeclared key or is not synchronous, and writes nothing', async () => {
    const store = open('contract-tx-rules');
    await expect(
      storeTransaction(store, ['a'], (tx) => {
        tx.set('a', 1);
        tx.set('b', 2);
      }),
    ).rejects.toThrow(/key b was not declared/);
    await expect(storeTransaction(store, ['a'], async () => {})).rejects.toThrow(/synchronous/);
    expect(await store.getMany(['a', 'b'])).toEqual([undefined, undefined]);
  });
}
