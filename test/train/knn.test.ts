import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/movielens.ts';
import {
  buildHnswIndex,
  buildItemVectors,
  DEFAULT_KNN,
  exactNeighbours,
  recallAtK,
  searchIndex,
} from '../../src/train/knn.ts';
import { movieStats } from '../../src/train/popularity.ts';
import { ratingTable, REAL_DATASET_DIR } from '../support/dataset.ts';

describe('kNN on hand-made vectors', () => {
  // Users 1..3. Movie 10 = (4,0,3), 20 = (4,0,0), 30 = (0,5,0), 40 = (2,0,1.5) ∥ movie 10. Movie 50 has one rating.
  const ratings = ratingTable([
    [1, 10, 4],
    [3, 10, 3],
    [1, 20, 4],
    [2, 30, 5],
    [1, 40, 2],
    [3, 40, 1.5],
    [2, 50, 1],
  ]);
  const vectors = buildItemVectors(ratings, movieStats(ratings), 1);

  it('builds one 0-filled rating vector per movie over all users', () => {
    expect(vectors.movieIds).toEqual([10, 20, 30, 40, 50]);
    expect(vectors.dimensions).toBe(3);
    expect([...vectors.values.subarray(0, 3)]).toEqual([4, 0, 3]);
  });

  it('computes exact cosine distances', () => {
    const exact = exactNeighbours(vectors, 4);
    const of10 = exact.get(10)!;
    expect(of10[0].movieId).toBe(40);
    expect(of10[0].distance).toBeCloseTo(0, 6);
    expect(of10[1].movieId).toBe(20);
    expect(of10[1].distance).toBeCloseTo(1 - 16 / (5 * 4), 6); // cos = 16/20 → 0.2
    expect(of10.slice(2).map((n) => n.distance)).toEqual([1, 1]);
  });

  it('agrees with the hnswlib index and never returns the movie itself', () => {
    const index = buildHnswIndex(vectors, DEFAULT_KNN);
    const near = searchIndex(index, 10, 2);
    expect(near.map((n) => n.movieId)).toEqual([40, 20]);
    expect(near[1].distance).toBeCloseTo(0.2, 5);
    expect(searchIndex(index, 30, 10)).toHaveLength(4);
    expect(searchIndex(index, 30, 10).some((n) => n.movieId === 30)).toBe(false);
  });

  it('drops movies below the rating threshold', () => {
    expect(buildItemVectors(ratings, movieStats(ratings), 2).movieIds).toEqual([10, 40]);
  });

  it('measures recall against exact search', () => {
    const exact = new Map([
      [
        1,
        [
          { movieId: 2, distance: 0 },
          { movieId: 3, distance: 0 },
        ],
      ],
    ]);
    expect(recallAtK(exact, new Map([[1, [{ movieId: 3, distance: 0 }]]]))).toBe(0.5);
  });
});

describe.skipIf(!REAL_DATASET_DIR)('kNN on ml-latest-small', async () => {
  const data = REAL_DATASET_DIR ? await loadDataset(REAL_DATASET_DIR) : undefined;

  it('reproduces the write-up: Iron Man → The Dark Knight at ≈ 0.33, Avatar and Inception in its top 10', () => {
    const vectors = buildItemVectors(data!.ratings, movieStats(data!.ratings), 50);
    expect(vectors.movieIds).toHaveLength(450);
    const index = buildHnswIndex(vectors, DEFAULT_KNN);
    const title = (id: number) => data!.movies.get(id)!.title;
    const ironMan = [...data!.movies.values()].find((m) => m.title === 'Iron Man (2008)')!.movieId;
    const top = searchIndex(index, ironMan, 10);
    expect(title(top[0].movieId)).toBe('Dark Knight, The (2008)');
    expect(top[0].distance).toBeCloseTo(0.3295, 3);
    expect(top.map((n) => title(n.movieId))).toEqual(
      expect.arrayContaining(['Avatar (2009)', 'Inception (2010)']),
    );

    const exact = exactNeighbours(vectors, 10);
    const approximate = new Map(vectors.movieIds.map((id) => [id, searchIndex(index, id, 10)]));
    expect(recallAtK(exact, approximate)).toBeGreaterThanOrEqual(0.99);
  });
});
