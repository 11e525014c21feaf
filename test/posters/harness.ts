/** Shared set-up for poster tests: a fake TMDB, a real SQLite keyv in a temp dir, and a log capture. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Keyv } from 'keyv';
import { pino, type Logger } from 'pino';
import { PosterService, type PosterServiceOptions } from '../../src/posters/index.ts';
import { createStore } from '../../src/store/index.ts';
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb/index.ts';

export interface Harness {
  tmdb: FakeTmdb;
  /** The cache store of the latest `service()`; reopened on the same file by `restart()`. */
  store: Keyv;
  log: LogCapture;
  service(options?: Partial<PosterServiceOptions>): PosterService;
  /** Closes the store and opens a new one on the same file, as a bot restart would. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export interface LogCapture {
  logger: Logger;
  text(): string;
}

export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

export async function startHarness(): Promise<Harness> {
  const tmdb = await startFakeTmdb();
  const dir = mkdtempSync(join(tmpdir(), 'flickpick-posters-'));
  const url = `sqlite://${join(dir, 'cache.sqlite')}`;
  const log = captureLogs();
  const harness: Harness = {
    tmdb,
    store: createStore({ url, namespace: 'tmdb' }),
    log,
    service: (options = {}) =>
      new PosterService({
        cache: harness.store,
        baseUrl: tmdb.baseUrl,
        apiKey: tmdb.apiKey,
        logger: log.logger,
        ...options,
      }),
    async restart() {
      await harness.store.disconnect();
      harness.store = createStore({ url, namespace: 'tmdb' });
    },
    async dispose() {
      await tmdb.close();
      await harness.store.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
