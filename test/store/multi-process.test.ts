/**
 * Real separate processes on one SQLite file, as shards on one host would run: exactly one wins the lock, and
 * concurrent writers wait for each other (busy_timeout) instead of failing with SQLITE_BUSY.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.ts';

const worker = fileURLToPath(new URL('./fixtures/contend-worker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flickpick-multiproc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface WorkerResult {
  owner: string;
  acquired: boolean;
  written: number;
}

/** Starts a worker and resolves once it has opened the store; `go()` releases it, `result` is its outcome. */
async function startWorker(path: string, owner: string, writes: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, path, owner, String(writes)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker ${owner} exited early with ${code}`)));
  });
  const result = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`worker ${owner} exited with ${code}`);
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as WorkerResult;
  });
  await ready;
  return { go: () => child.stdin.end('go\n'), result };
}

describe('SQLite store shared by several processes', () => {
  it('gives the lock to exactly one process and loses no writes', async () => {
    const path = join(dir, 'shared.sqlite');
    const shards = ['shard-0', 'shard-1', 'shard-2'];
    const writes = 200;
    const workers = await Promise.all(shards.map((owner) => startWorker(path, owner, writes)));
    workers.forEach((w) => w.go());
    const results = await Promise.all(workers.map((w) => w.result));

    expect(results.filter((result) => result.acquired)).toHaveLength(1);
    expect(results.map((result) => result.written)).toEqual([writes, writes, writes]);
    const store = createStore({ url: `sqlite://${path}`, namespace: 'shards' });
    const keys = shards.flatMap((owner) => [`${owner}:0`, `${owner}:${writes - 1}`]);
    expect((await store.getMany(keys)).every((value) => value !== undefined)).toBe(true);
    await store.disconnect();
  });
});
