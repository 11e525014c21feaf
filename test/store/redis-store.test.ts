/**
 * The same contract as SQLite, against a real redis-server started for this file. Skipped (with the reason in
 * the test name) where no redis-server binary is installed; on Debian `apt-get install -y redis-server` adds it.
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createStore } from '../../src/store/index.ts';
import { findRedisServer, useFreshRedis } from './redis-server.ts';
import { defineStoreContract } from './store-contract.ts';

const binary = findRedisServer();
const title = binary
  ? 'Redis store: contract'
  : 'Redis store: contract (skipped: no redis-server on PATH; apt-get install -y redis-server)';

if (binary === undefined) console.warn(`[redis-store.test] ${title}`);

describe.skipIf(binary === undefined)(title, () => {
  const url = useFreshRedis(binary!, { beforeAll, afterAll, beforeEach });

  defineStoreContract(() => ({ open: (namespace) => createStore({ url: url(), namespace }) }));
});
