/**
 * The same contract as SQLite, against a real redis-server started for this file. Skipped (with the reason in
 * the test name) where no redis-server binary is installed; on Debian `apt-get install -y redis-server` adds it.
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createClient } from '@keyv/redis';
import { createStore } from '../../src/store/index.ts';
import { findRedisServer, startRedisServer, type RunningRedis } from './redis-server.ts';
import { defineStoreContract } from './store-contract.ts';

const binary = findRedisServer();
const title = binary
  ? 'Redis store: contract'
  : 'Redis store: contract (skipped: no redis-server on PATH; apt-get install -y redis-server)';

if (binary === undefined) console.warn(`[redis-store.test] ${title}`);

describe.skipIf(binary === undefined)(title, () => {
  let redis: RunningRedis;

  beforeAll(async () => {
    redis = await startRedisServer(binary!);
  });
  afterAll(async () => {
    await redis?.stop();
  });
  // Each test starts from an empty server, as each SQLite test starts from an empty file.
  beforeEach(async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    await client.flushAll();
    await client.close();
  });

  defineStoreContract(() => ({ open: (namespace) => createStore({ url: redis.url, namespace }) }));
});
