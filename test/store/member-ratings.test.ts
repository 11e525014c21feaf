import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';
import { defineMemberRatingsContract } from './member-ratings-contract.ts';
import { findRedisServer, startRedisServer, type RunningRedis } from './redis-server.ts';

describe('member ratings on SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flickpick-members-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  defineMemberRatingsContract(() => ({
    open: () => createStore({ url: `sqlite://${join(dir, 'state.sqlite')}`, namespace: 'flickpick' }),
  }));

  it('writes through a WAL journal, so a committed rating survives the process being killed', async () => {
    const file = join(dir, 'durable.sqlite');
    const store = createStore({ url: `sqlite://${file}`, namespace: 'flickpick' });
    await new MemberRatings(store).rate('123', 1, 3);
    // Read through a second, independent connection before the first one closes: the rating is committed.
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const row = db.prepare("SELECT value FROM keyv_entries WHERE key = 'member:123'").get() as {
      value: string;
    };
    expect(row.value).toContain('"s":3');
    db.close();
    await store.disconnect();
  });
});

const redisBinary = findRedisServer();
const redisTitle = redisBinary
  ? 'member ratings on Redis'
  : 'member ratings on Redis (skipped: no redis-server on PATH; apt-get install -y redis-server)';

describe.skipIf(redisBinary === undefined)(redisTitle, () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedisServer(redisBinary!);
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    await client.flushAll();
    await client.close();
  });

  defineMemberRatingsContract(() => ({
    open: () => createStore({ url: redis.url, namespace: 'flickpick' }),
  }));
});
