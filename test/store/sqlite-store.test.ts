import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Keyv } from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireLock,
  createStore,
  releaseLock,
  SqliteStore,
  StoreBusyError,
  updateDocument,
} from '../../src/store/index.ts';
import { defineStoreContract } from './store-contract.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flickpick-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite store: contract', () => {
  defineStoreContract(() => ({
    open: (namespace) => createStore({ url: `sqlite://${join(dir, 'state.sqlite')}`, namespace }),
  }));
});

describe('SQLite store: file and housekeeping', () => {
  it('defaults to flickpick.sqlite in the data folder, in WAL mode', async () => {
    const store = createStore({ namespace: 'defaults', dataDir: join(dir, 'data'), url: '' });
    await store.set('k', 'v');
    await store.disconnect();
    const file = join(dir, 'data', 'flickpick.sqlite');
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('physically deletes expired rows when purging', async () => {
    const adapter = new SqliteStore({ path: join(dir, 'purge.sqlite') });
    const store = new Keyv(adapter, { namespace: 'purge', useKeyPrefix: false });
    await store.set('gone', 1, 1);
    await store.set('kept', 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(adapter.purgeExpired()).toBe(1);
    expect(await store.get('kept')).toBe(2);
    await store.disconnect();
  });

  it('iterates the live entries of its namespace only', async () => {
    const path = `sqlite://${join(dir, 'iterate.sqlite')}`;
    const store = createStore({ url: path, namespace: 'iter' });
    const neighbour = createStore({ url: path, namespace: 'iter-neighbour' });
    await store.set('b', 2);
    await store.set('a', 1);
    await store.set('expired', 0, 1);
    await neighbour.set('c', 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const seen: Array<[string, unknown]> = [];
    for await (const [key, value] of store.iterator!(store.namespace)) seen.push([key as string, value]);
    expect(seen).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    await Promise.all([store.disconnect(), neighbour.disconnect()]);
  });

  it('keeps the lock when one instance is closed and reopened', async () => {
    const url = `sqlite://${join(dir, 'locks.sqlite')}`;
    const first = createStore({ url, namespace: 'jobs' });
    expect(await acquireLock(first, 'retrain', 60_000, 'shard-a')).toBe(true);
    await first.disconnect();
    const second = createStore({ url, namespace: 'jobs' });
    expect(await acquireLock(second, 'retrain', 60_000, 'shard-b')).toBe(false);
    expect(await releaseLock(second, 'retrain', 'shard-a')).toBe(true);
    await second.disconnect();
  });
});

describe('SQLite store held busy by another connection', () => {
  /** Another connection (as another process would) takes the write lock with BEGIN IMMEDIATE and keeps it. */
  function holdWriteLock(file: string) {
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    return {
      release() {
        other.exec('COMMIT');
        other.close();
      },
    };
  }

  it('waits without blocking this process, and writes once the other writer commits', async () => {
    const file = join(dir, 'busy.sqlite');
    const store = createStore({ url: `sqlite://${file}`, namespace: 'busy' });
    await store.set('doc', { n: 1 });
    const holder = holdWriteLock(file);
    const write = updateDocument<{ n: number }>(store, 'doc', (doc) => ({ n: (doc?.n ?? 0) + 1 }));
    // The lock is released from a timer of this very process: it fires only if the waiting write leaves the
    // event loop free (SQLite's own busy handler would block it for the whole wait).
    setTimeout(() => holder.release(), 300);
    expect(await write).toEqual({ n: 2 });
    expect(await store.get('doc')).toEqual({ n: 2 });
    await store.disconnect();
  });

  it('gives up after its wait with a StoreBusyError, and writes nothing', async () => {
    const file = join(dir, 'busy-timeout.sqlite');
    const store = new Keyv(new SqliteStore({ path: file, busyTimeoutMs: 200 }), {
      namespace: 'busy',
      useKeyPrefix: false,
      throwOnErrors: true,
    });
    await store.set('doc', { n: 1 });
    const holder = holdWriteLock(file);
    try {
      await expect(updateDocument(store, 'doc', () => ({ n: 99 }))).rejects.toThrow(StoreBusyError);
      await expect(store.set('other', 1)).rejects.toThrow(/store busy/);
    } finally {
      holder.release();
    }
    expect(await store.get('doc')).toEqual({ n: 1 });
    expect(await store.get('other')).toBeUndefined();
    await store.disconnect();
  });
});

describe('in-memory keyv', () => {
  it('runs transactions one after another within the process', async () => {
    const store = new Keyv({ namespace: 'mem-tx' });
    await Promise.all(
      Array.from({ length: 20 }, () => updateDocument<number>(store, 'n', (n) => (n ?? 0) + 1)),
    );
    expect(await store.get('n')).toBe(20);
  });

  it('supports the same lock semantics within one process', async () => {
    const store = new Keyv({ namespace: 'mem' });
    expect(await acquireLock(store, 'retrain', 60_000, 'a')).toBe(true);
    expect(await acquireLock(store, 'retrain', 60_000, 'b')).toBe(false);
    expect(await releaseLock(store, 'retrain', 'a')).toBe(true);
    expect(await acquireLock(store, 'retrain', 60_000, 'b')).toBe(true);
  });
});
