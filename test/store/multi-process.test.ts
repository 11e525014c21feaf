/**
 * Real separate processes on one SQLite file, as shards on one host would run: exactly one wins the lock, and
 * concurrent writers wait for each other (retrying off the event loop) instead of failing with SQLITE_BUSY.
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
const opener = fileURLToPath(new URL('./fixtures/open-at.ts', import.meta.url));
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
  it('lets processes that open a fresh file at the same instant all open it (no SQLITE_BUSY on the switch to WAL)', async () => {
    const openers = 4;
    const files = 40;
    const folder = mkdtempSync(join(dir, 'fresh-'));
    // Far enough ahead that every child has started (tsx included) before the first shared instant.
    const startAt = Date.now() + 3_000;
    const codes = await Promise.all(
      Array.from({ length: openers }, async (_, index) => {
        const args = [folder, String(startAt), '25', String(files), `opener-${index}`];
        const child = spawn(process.execPath, ['--import', 'tsx', opener, ...args], { stdio: 'inherit' });
        const [code] = (await once(child, 'exit')) as [number | null];
        return code;
      }),
    );
    expect(codes).toEqual(Array.from({ length: openers }, () => 0));
    for (let file = 0; file < files; file++) {
      const store = createStore({
        url: `sqlite://${join(folder, `fresh-${file}.sqlite`)}`,
        namespace: 'race',
      });
      for (let index = 0; index < openers; index++) expect(await store.get(`opener-${index}`)).toBe('opened');
      await store.disconnect();
    }
  }, 60_000);
});
