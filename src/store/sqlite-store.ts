/**
 * A keyv 5 storage adapter over better-sqlite3, plus the cross-process lock primitive the lock helper uses.
 *
 * Why our own: @keyv/sqlite needs the `sqlite3` native package, which cannot be fetched here, while
 * better-sqlite3 is already compiled for the project.
 *
 * Layout: one table of entries keyed by (namespace, key), so `clear()` can drop exactly one namespace with an
 * indexed DELETE; keyv must therefore be built with `useKeyPrefix: false` (createStore does this), otherwise
 * keys carry the namespace twice (harmless, just redundant). A second table holds locks.
 *
 * Several processes may open the same file: WAL lets readers run beside the single writer. A writer that finds
 * the write lock taken waits for it, but not inside SQLite's busy handler: better-sqlite3 is synchronous, so a
 * long busy_timeout would block this process's event loop for as long as another connection writes (and a bot
 * must still answer Discord within 3 s meanwhile). So after opening, SQLite does not wait at all: a busy
 * attempt fails at once and is tried again after an async sleep, up to `busyTimeoutMs` in all (then
 * StoreBusyError).
 *
 * `transact` is the store's read-change-write: one BEGIN IMMEDIATE transaction (see transaction.ts).
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { sleep, StoreBusyError } from './store-busy.ts';
import type { RawWrite, TransactionalAdapter } from './transaction.ts';

export interface SqliteStoreOptions {
  /** Path of the database file; its folder is created if missing. `:memory:` works but is private to one connection. */
  path: string;
  /** How long an operation waits in all for another connection's write lock before failing (StoreBusyError). */
  busyTimeoutMs?: number;
  /** Expired rows are invisible at once; they are physically deleted at most this often (on open and on writes). */
  purgeIntervalMs?: number;
}

/** What the lock helper needs from an adapter; both methods are atomic across processes sharing the store. */
export interface LockingAdapter {
  tryAcquireLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<boolean>;
}

/** Rows written while keyv has no namespace go under this one, so the primary key never holds NULL. */
const NO_NAMESPACE = '';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS keyv_entries (
  namespace  TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keyv_entries_expires_at ON keyv_entries (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS keyv_locks (
  namespace  TEXT NOT NULL,
  name       TEXT NOT NULL,
  owner      TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, name)
) WITHOUT ROWID;
`;

/**
 * By default an operation waits this long for another writer: longer than a store held busy for 5 s, so the
 * write lands afterwards; a member's interaction is deferred before it writes, so the wait costs no deadline.
 */
const DEFAULT_BUSY_TIMEOUT_MS = 10_000;
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Runs `step` again after a short sleep while it fails with SQLITE_BUSY, for at most `timeoutMs`. */
function retryWhileBusy<T>(step: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      // A synchronous sleep: the constructor is synchronous, and the sibling holds the lock for milliseconds.
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

/** Row shapes as better-sqlite3 returns them. */
interface ValueRow {
  value: string;
}
interface KeyValueRow {
  key: string;
  value: string;
}

export class SqliteStore
  extends EventEmitter
  implements KeyvStoreAdapter, LockingAdapter, TransactionalAdapter
{
  /** keyv sets this from its own `namespace` option. */
  namespace?: string | undefined;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly purgeIntervalMs: number;
  private readonly busyTimeoutMs: number;
  private lastPurgeAt = 0;
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(options: SqliteStoreOptions) {
    super();
    this.path = options.path;
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
    this.busyTimeoutMs = busyTimeoutMs;
    // Opening is synchronous and happens once, so it may block for the whole wait. busy_timeout first:
    // switching to WAL and creating tables both need a write lock that a sibling may hold.
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // SQLite does not call the busy handler while two connections race to convert a fresh file to WAL: the
    // loser gets SQLITE_BUSY at once (seen when two shards start together). So opening retries on its own.
    retryWhileBusy(() => this.db.pragma('journal_mode = WAL'), busyTimeoutMs);
    // NORMAL is the documented safe pairing with WAL: a power cut may lose the last commits, never corrupts.
    this.db.pragma('synchronous = NORMAL');
    retryWhileBusy(() => this.db.exec(SCHEMA), busyTimeoutMs);
    this.statements = prepareStatements(this.db);
    this.purgeExpired();
    // From here on SQLite never waits itself: whileBusy waits between attempts, off the event loop. (Even a
    // short blocking wait per attempt adds up: several members' writes retrying at once would fill the loop.)
    this.db.pragma('busy_timeout = 0');
  }

  /** keyv reads `opts.dialect` to decide that this adapter can iterate (see Keyv._checkIterableAdapter). */
  get opts(): { dialect: 'sqlite'; url: string } {
    return { dialect: 'sqlite', url: `sqlite://${this.path}` };
  }

  private get ns(): string {
    return this.namespace ?? NO_NAMESPACE;
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const row = (await this.whileBusy('a read', () => this.statements.get.get(this.ns, key, Date.now()))) as
      ValueRow | undefined;
    return row?.value as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    if (keys.length === 0) return [];
    const rows = (await this.whileBusy('a read', () =>
      this.statements.getMany.all(this.ns, JSON.stringify(keys), Date.now()),
    )) as KeyValueRow[];
    const byKey = new Map(rows.map((row) => [row.key, row.value]));
    return keys.map((key) => byKey.get(key) as StoredData<Value | undefined>);
  }

  async has(key: string): Promise<boolean> {
    return (
      (await this.whileBusy('a read', () => this.statements.has.get(this.ns, key, Date.now()))) !== undefined
    );
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    const found = await this.getMany(keys);
    return found.map((value) => value !== undefined);
  }

  /** `ttl` is in milliseconds, as keyv passes it; undefined means no expiry. */
  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    await this.whileBusy('a write', () => this.statements.set.run(this.ns, key, value, expiresAt(ttl)));
    this.purgeExpiredIfDue();
    return true;
  }

  // No setMany on purpose: keyv 5 returns whatever the adapter's setMany returns as its own boolean[] result,
  // but the adapter type declares Promise<void>. Without it keyv falls back to one set() per entry, which is
  // correct and, with better-sqlite3's synchronous statements, barely slower.

  async delete(key: string): Promise<boolean> {
    return (await this.whileBusy('a delete', () => this.statements.delete.run(this.ns, key))).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    const result = await this.whileBusy('a delete', () =>
      this.statements.deleteMany.run(this.ns, JSON.stringify(keys)),
    );
    return result.changes > 0;
  }

  /** Clears this namespace only; other namespaces in the same file and all locks are left alone. */
  async clear(): Promise<void> {
    await this.whileBusy('a clear', () => this.statements.clear.run(this.ns));
  }

  async *iterator<Value>(
    namespace?: string,
  ): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    // all() rather than iterate(): keyv deletes expired keys while iterating, and better-sqlite3 refuses other
    // statements on a connection with an open cursor.
    const rows = (await this.whileBusy('a read', () =>
      this.statements.iterate.all(namespace ?? this.ns, Date.now()),
    )) as KeyValueRow[];
    for (const row of rows) yield [row.key, row.value as Awaited<Value>];
  }

  /**
   * One atomic read-decide-write of `keys` (see transaction.ts): BEGIN IMMEDIATE takes the write lock before
   * reading, so no other connection can write between the read and the commit. Resolves once committed.
   */
  async transact(
    keys: readonly string[],
    decide: (current: readonly (string | undefined)[]) => RawWrite[],
  ): Promise<void> {
    const run = this.db.transaction(() => {
      const now = Date.now();
      const current = keys.map(
        (key) => (this.statements.get.get(this.ns, key, now) as ValueRow | undefined)?.value,
      );
      for (const [at, write] of decide(current).entries()) {
        if (write === null) this.statements.delete.run(this.ns, keys[at]);
        else if (write !== undefined) this.statements.set.run(this.ns, keys[at], write, null);
      }
    });
    await this.whileBusy(`a transaction on ${keys.length} key(s)`, () => run.immediate());
  }

  async disconnect(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * Takes lock `name` (scoped to this namespace) for `ttlMs` if it is free, expired, or already held by
   * `owner` (which renews it). One UPSERT decides, so two processes can never both see the lock as free.
   */
  async tryAcquireLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const result = await this.whileBusy('a lock', () => {
      const now = Date.now();
      return this.statements.acquireLock.run({
        namespace: this.ns,
        name,
        owner,
        now,
        expiresAt: now + ttlMs,
      });
    });
    return result.changes === 1;
  }

  /** Releases lock `name` only if `owner` still holds it; false if it expired and someone else took it. */
  async releaseLock(name: string, owner: string): Promise<boolean> {
    const result = await this.whileBusy('a lock', () =>
      this.statements.releaseLock.run(this.ns, name, owner),
    );
    return result.changes === 1;
  }

  /** Deletes expired rows and locks in every namespace; returns how many entries went. */
  purgeExpired(): number {
    const now = Date.now();
    this.lastPurgeAt = now;
    this.statements.purgeLocks.run(now);
    return this.statements.purgeEntries.run(now).changes;
  }

  private purgeExpiredIfDue(): void {
    if (Date.now() - this.lastPurgeAt < this.purgeIntervalMs) return;
    try {
      this.purgeExpired();
    } catch (error) {
      // Expired rows are already invisible; a busy store just means the purge happens on a later write.
      if (!isBusy(error)) throw error;
    }
  }

  /** Runs `step`, trying again after an async pause while another connection holds the write lock. */
  private async whileBusy<T>(what: string, step: () => T): Promise<T> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
      try {
        return step();
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (Date.now() >= deadline) throw new StoreBusyError(what, this.busyTimeoutMs);
        await sleep(pause);
      }
    }
  }
}

function expiresAt(ttl: number | undefined): number | null {
  return typeof ttl === 'number' && Number.isFinite(ttl) ? Date.now() + ttl : null;
}

/** Prepared once per connection. A row counts as present only while `expires_at` is unset or in the future. */
function prepareStatements(db: Database.Database) {
  const live = '(expires_at IS NULL OR expires_at > ?)';
  return {
    get: db.prepare(`SELECT value FROM keyv_entries WHERE namespace = ? AND key = ? AND ${live}`),
    // json_each turns one bound JSON array into a set, so any number of keys is one statement.
    getMany: db.prepare(
      `SELECT key, value FROM keyv_entries
       WHERE namespace = ? AND key IN (SELECT value FROM json_each(?)) AND ${live}`,
    ),
    has: db.prepare(`SELECT 1 FROM keyv_entries WHERE namespace = ? AND key = ? AND ${live}`),
    set: db.prepare(
      `INSERT INTO keyv_entries (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    delete: db.prepare('DELETE FROM keyv_entries WHERE namespace = ? AND key = ?'),
    deleteMany: db.prepare(
      'DELETE FROM keyv_entries WHERE namespace = ? AND key IN (SELECT value FROM json_each(?))',
    ),
    clear: db.prepare('DELETE FROM keyv_entries WHERE namespace = ?'),
    iterate: db.prepare(`SELECT key, value FROM keyv_entries WHERE namespace = ? AND ${live} ORDER BY key`),
    purgeEntries: db.prepare('DELETE FROM keyv_entries WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    // The conflict branch only fires when the WHERE holds: the lock has expired, or the caller already owns it.
    acquireLock: db.prepare(
      `INSERT INTO keyv_locks (namespace, name, owner, expires_at) VALUES (@namespace, @name, @owner, @expiresAt)
       ON CONFLICT (namespace, name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE keyv_locks.expires_at <= @now OR keyv_locks.owner = excluded.owner`,
    ),
    releaseLock: db.prepare('DELETE FROM keyv_locks WHERE namespace = ? AND name = ? AND owner = ?'),
    purgeLocks: db.prepare('DELETE FROM keyv_locks WHERE expires_at <= ?'),
  };
}
