/**
 * Nothing lost: a child process writes 1,000 ratings through MemberRatings on SQLite and prints each one the
 * moment it is confirmed; it is kill -9'ed at random moments (seeded) and restarted after the last confirmed
 * one until all 1,000 are confirmed. Afterwards every confirmed rating is in the store with its stars.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/random.ts';
import { createStore } from '../../src/store/index.ts';
import { MemberRatings } from '../../src/store/member-ratings.ts';
import { starsFor } from './fixtures/rating-writer-stars.ts';
import { findRedisServer, startRedisServer, type RunningRedis } from './redis-server.ts';

const writer = fileURLToPath(new URL('./fixtures/rating-writer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flickpick-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOTAL = 1_000;
const MEMBER = '333333333333333333';

interface Round {
  confirmed: number[];
  killed: boolean;
}

/** Runs the writer from `from` and SIGKILLs it `killAfterMs` after it is ready (or lets it finish). */
function runWriter(path: string, from: number, killAfterMs: number | null, to = TOTAL): Promise<Round> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, path, MEMBER, String(from), String(to)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const confirmed: number[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready' && killAfterMs !== null) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const ok = /^ok (\d+)$/.exec(line);
      if (ok) confirmed.push(Number(ok[1]));
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ confirmed, killed: true });
      else if (code === 0) resolve({ confirmed, killed: false });
      else reject(new Error(`writer exited with ${code}`));
    });
  });
}

describe('member ratings under kill -9', () => {
  it('finds every confirmed rating after the writer was killed at random moments', async () => {
    const path = join(dir, 'ratings.sqlite');
    const rng = createRng(20261201);
    const confirmed = new Set<number>();
    let kills = 0;
    let next = 1;
    while (next <= TOTAL) {
      // A few kills at random moments while writing, then one run to the end.
      const killAfterMs = kills < 6 ? Math.floor(rng() * 120) : null;
      const round = await runWriter(path, next, killAfterMs);
      for (const movieId of round.confirmed) confirmed.add(movieId);
      if (round.killed) kills++;
      next = Math.max(next, ...round.confirmed.map((id) => id + 1));
    }
    expect(kills).toBeGreaterThan(0);
    expect(confirmed.size).toBe(TOTAL);

    const store = createStore({ url: `sqlite://${path}`, namespace: 'flickpick' });
    const stored = new Map(
      (await new MemberRatings(store).ratings(MEMBER)).map((entry) => [entry.movieId, entry.rating]),
    );
    await store.disconnect();
    const missing = [...confirmed].filter((movieId) => stored.get(movieId) !== starsFor(movieId));
    expect(missing).toEqual([]);
  }, 60_000);

  it('loses nothing when two processes (two shards) rate for the same member at once', async () => {
    const path = join(dir, 'shards.sqlite');
    const [a, b] = await Promise.all([runWriter(path, 1, null, 200), runWriter(path, 201, null, 400)]);
    expect(a.confirmed).toHaveLength(200);
    expect(b.confirmed).toHaveLength(200);
    const store = createStore({ url: `sqlite://${path}`, namespace: 'flickpick' });
    const stored = await new MemberRatings(store).ratings(MEMBER);
    await store.disconnect();
    expect(stored).toHaveLength(400);
  }, 60_000);
});

const redisBinary = findRedisServer();

describe.skipIf(redisBinary === undefined)('member ratings on Redis from two processes', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedisServer(redisBinary!);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('loses nothing when two processes rate for the same member at once (compare-and-set retries)', async () => {
    const [a, b] = await Promise.all([
      runWriter(redis.url, 1, null, 200),
      runWriter(redis.url, 201, null, 400),
    ]);
    expect(a.confirmed).toHaveLength(200);
    expect(b.confirmed).toHaveLength(200);
    const store = createStore({ url: redis.url, namespace: 'flickpick' });
    const stored = await new MemberRatings(store).ratings(MEMBER);
    await store.disconnect();
    expect(stored).toHaveLength(400);
    expect(stored.every((entry) => entry.rating === starsFor(entry.movieId))).toBe(true);
  }, 60_000);
});
