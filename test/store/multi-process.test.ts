/**
 * Real separate processes on one SQLite file, as shards on one host would run: exactly one wins the lock, and
 * concurrent writers wait for each other (busy_timeout) instead of failing with SQLITE_BUSY.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.ts';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./fixtures/contend-worker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flickpick-multiproc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite store shared by several processes', () => {
  it('gives the lock to exactly one process and loses no writes', async () => {
    const path = join(dir, 'shared.sqlite');
    const shards = ['shard-0', 'shard-1', 'shard-2'];
    const writes = 200;
    // Processes start at different speeds; a common start time makes them actually contend.
    const startAt = Date.now() + 3_000;
    const outputs = await Promise.all(
      shards.map((owner) =>
        run(process.execPath, ['--import', 'tsx', worker, path, owner, String(startAt), String(writes)], {
          timeout: 60_000,
        }),
      ),
    );
    const results = outputs.map(
      ({ stdout }) => JSON.parse(stdout.trim()) as { owner: string; acquired: boolean; written: number },
    );
    expect(results.filter((result) => result.acquired)).toHaveLength(1);
    expect(results.map((result) => result.written)).toEqual([writes, writes, writes]);

    const store = createStore({ url: `sqlite://${path}`, namespace: 'shards' });
    const keys = shards.flatMap((owner) => [`${owner}:0`, `${owner}:${writes - 1}`]);
    expect((await store.getMany(keys)).every((value) => value !== undefined)).toBe(true);
    await store.disconnect();
  });
});
