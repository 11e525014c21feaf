import { describe, expect, it } from 'vitest';
import type { PoolAtStep } from '../../src/serve/balanced-draw.ts';
import { dnmfPools } from '../../src/serve/dnmf-source.ts';
import { knnPools } from '../../src/serve/knn-source.ts';
import { memoisePools, warmPools, withoutTaken } from '../../src/serve/pool-cache.ts';
import { handArtifacts, sparseArtifacts } from './fixtures.ts';

const artifacts = handArtifacts();
const isCatalog = (movieId: number) => movieId <= 5;
const ids = (pool: ReturnType<PoolAtStep>) => pool.candidates.map((candidate) => candidate.movieId);

describe('knnPools', () => {
  it('lists the non-catalog neighbours nearest first with their rank in the full neighbour list', () => {
    const pool = knnPools(artifacts, isCatalog)(1, 0);
    // Pick 1's neighbours: 11 (0.8), 4 (catalog), 14 (2/3), 12 (0.6), then 2, 3, 5 (catalog), 13, 15 at 0.
    expect(pool.candidates.map(({ movieId, reason }) => [movieId, reason])).toEqual([
      [11, { kind: 'knn', pickId: 1, similarity: 1 - artifacts.knn.distance(1, 11)!, neighbourRank: 1 }],
      [14, { kind: 'knn', pickId: 1, similarity: 1 - artifacts.knn.distance(1, 14)!, neighbourRank: 3 }],
      [12, { kind: 'knn', pickId: 1, similarity: 1 - artifacts.knn.distance(1, 12)!, neighbourRank: 4 }],
      [13, { kind: 'knn', pickId: 1, similarity: 1 - artifacts.knn.distance(1, 13)!, neighbourRank: 8 }],
      [15, { kind: 'knn', pickId: 1, similarity: 1 - artifacts.knn.distance(1, 15)!, neighbourRank: 9 }],
    ]);
    // Nine neighbours for ten asked: the index has no more.
    expect(pool.exhausted).toBe(true);
  });

  it('is empty and exhausted for a movie outside the kNN model', () => {
    expect(knnPools(artifacts, isCatalog)(21, 0)).toEqual({ candidates: [], exhausted: true });
  });

  it('is not exhausted while the index returns as many as asked', () => {
    const sparse = sparseArtifacts();
    const poolAt = knnPools(sparse, (movieId) => movieId <= 15);
    expect(poolAt(1, 0)).toEqual({ candidates: [], exhausted: false });
    expect(ids(poolAt(1, 1))).toEqual([41, 42, 43, 44, 45, 46, 47]);
    expect(poolAt(1, 1).exhausted).toBe(true);
  });
});

describe('dnmfPools', () => {
  it('gathers the top three fans’ movies, more matched fans first, then predicted rating', () => {
    const pool = dnmfPools(artifacts, isCatalog)(1, 0);
    expect(ids(pool)).toEqual([21, 22, 23]);
    expect(pool.exhausted).toBe(false);
  });

  it('takes the whole row on the last step', () => {
    const pool = dnmfPools(artifacts, isCatalog)(1, 1);
    // 24 (one fan, 4.7) ranks above 23 (one fan, 4.4).
    expect(ids(pool)).toEqual([21, 22, 24, 23]);
    expect(pool.candidates[2].reason).toEqual({
      kind: 'dnmf',
      pickId: 1,
      userIds: [104],
      predictedRating: 4.7,
    });
    expect(pool.exhausted).toBe(true);
  });

  it('is exhausted at once when the row is shorter than the first step', () => {
    expect(dnmfPools(artifacts, isCatalog)(3, 0).exhausted).toBe(true);
    expect(dnmfPools(artifacts, isCatalog)(999, 0)).toEqual({ candidates: [], exhausted: true });
  });
});

describe('pool cache', () => {
  function countingPools(): { poolAt: PoolAtStep; calls: string[] } {
    const calls: string[] = [];
    const inner = dnmfPools(artifacts, isCatalog);
    return {
      calls,
      poolAt: (pickId, step) => {
        calls.push(`${pickId}:${step}`);
        return inner(pickId, step);
      },
    };
  }

  it('computes each cached (pick, step) once and passes others through', () => {
    const { poolAt, calls } = countingPools();
    const cached = memoisePools(poolAt, (pickId) => pickId === 1);
    expect(cached(1, 0)).toBe(cached(1, 0));
    cached(2, 0);
    cached(2, 0);
    expect(calls).toEqual(['1:0', '2:0', '2:0']);
  });

  it('removes taken movies and shares the pool when nothing is taken', () => {
    const poolAt = dnmfPools(artifacts, isCatalog);
    expect(ids(withoutTaken(poolAt, new Set([22]))(1, 0))).toEqual([21, 23]);
    const cached = memoisePools(poolAt, () => true);
    expect(withoutTaken(cached, new Set([99]))(1, 0)).toBe(cached(1, 0));
  });

  it('warms until a pool has enough candidates or is exhausted', () => {
    const { poolAt, calls } = countingPools();
    warmPools(poolAt, [1, 2, 3], 4);
    // Pick 1 has 3 at step 0 and 4 at step 1; picks 2 and 3 are exhausted at step 0.
    expect(calls).toEqual(['1:0', '1:1', '2:0', '3:0']);
  });
});
