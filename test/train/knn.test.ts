import { describe, expect, it } from 'vitest';
import type { Neighbour } from '../../src/artifacts/types.ts';
import { loadDataset } from '../../src/data/movielens.ts';
import type { RatingTable } from '../../src/data/types.ts';
import { buildSparseRatings, cosineDistance, nearestNeighbours, sampledRecall } from '../../src/train/knn.ts';
import { movieStats } from '../../src/train/popularity.ts';
import { createRng } from '../../src/random.ts';
import { ratingTable, REAL_DATASET_DIR } from '../support/dataset.ts';

/** The reference: dense movies × users vectors and every pair's cosine, as the method describes it. */
function bruteForce(ratings: RatingTable, minRatings: number, k: number): Map<number, Neighbour[]> {
  const stats = movieStats(ratings);
  const users = [...new Set(ratings.userIds)].sort((a, b) => a - b);
  const movies = [...stats]
    .filter(([, s]) => s.count >= minRatings)
    .map(([id]) => id)
    .sort((a, b) => a - b);
  const vectors = new Map(movies.map((id) => [id, new Float64Array(users.length)]));
  ratings.movieIds.forEach((m, i) => {
    const v = vectors.get(m);
    if (v) v[users.indexOf(ratings.userIds[i])] = ratings.ratings[i];
  });
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return new Map(
    movies.map((a) => {
      const va = vectors.get(a)!;
      const list = movies
        .filter((b) => b !== a)
        .map((b) => {
          const vb = vectors.get(b)!;
          const dot = va.reduce((s, x, d) => s + x * vb[d], 0);
          return { movieId: b, distance: 1 - dot / (norm(va) * norm(vb)) };
        })
        .sort((x, y) => x.distance - y.distance || x.movieId - y.movieId);
      return [a, list.slice(0, k)];
    }),
  );
}

describe('sparse exact kNN', () => {
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

  it('computes exact cosine distances, fills with orthogonal movies by id, never returns the movie itself', () => {
    const sparse = buildSparseRatings(ratings, movieStats(ratings), 1);
    expect(sparse.movieIds).toEqual([10, 20, 30, 40, 50]);
    expect(sparse.dimensions).toBe(3);
    const of10 = nearestNeighbours(sparse, 4).get(10)!;
    expect(of10.map((n) => n.movieId)).toEqual([40, 20, 30, 50]);
    expect(of10[0].distance).toBeCloseTo(0, 12);
    expect(of10[1].distance).toBeCloseTo(1 - 16 / (5 * 4), 12); // cos = 16/20 → 0.2
    expect(of10.slice(2).map((n) => n.distance)).toEqual([1, 1]);
    expect(nearestNeighbours(sparse, 10).get(30)).toHaveLength(4);
    expect(
      nearestNeighbours(sparse, 2)
        .get(30)!
        .map((n) => n.movieId),
    ).toEqual([50, 10]);
  });

  it('drops movies below the rating threshold', () => {
    expect(buildSparseRatings(ratings, movieStats(ratings), 2).movieIds).toEqual([10, 40]);
  });

  it('equals dense brute force on generated data, in any row order, and for any range of rows', () => {
    const random = createRng(7);
    const rows: [number, number, number][] = [];
    for (let u = 1; u <= 60; u++) {
      for (let m = 1; m <= 40; m++)
        if (random() < 0.3 + (m % 3) * 0.1) rows.push([u, m, 0.5 + Math.floor(random() * 10) / 2]);
    }
    const shuffled = [...rows].sort(() => random() - 0.5);
    const table = ratingTable(shuffled);
    const expected = bruteForce(table, 8, 12);
    const sparse = buildSparseRatings(table, movieStats(table), 8);
    const lists = nearestNeighbours(sparse, 12);
    expect([...lists.keys()]).toEqual([...expected.keys()]);
    for (const [id, list] of expected) {
      expect(lists.get(id)!.map((n) => n.movieId)).toEqual(list.map((n) => n.movieId));
      lists.get(id)!.forEach((n, i) => expect(n.distance).toBeCloseTo(list[i].distance, 12));
    }
    const part = nearestNeighbours(sparse, 12, 3, 7);
    expect([...part.keys()]).toEqual(sparse.movieIds.slice(3, 7));
    for (const [id, list] of part) expect(list).toEqual(lists.get(id));
    // The merge-based distance (the sampled check's) gives the same numbers.
    const first = lists.get(sparse.movieIds[0])![0];
    expect(cosineDistance(sparse, 0, sparse.movieIds.indexOf(first.movieId))).toBe(first.distance);
  });

  it('measures recall on a sample: 1 for the exact lists, less for damaged ones', () => {
    const random = createRng(3);
    const rows: [number, number, number][] = [];
    for (let u = 1; u <= 40; u++)
      for (let m = 1; m <= 30; m++) if (random() < 0.5) rows.push([u, m, 1 + Math.floor(random() * 5)]);
    const table = ratingTable(rows);
    const sparse = buildSparseRatings(table, movieStats(table), 1);
    const lists = nearestNeighbours(sparse, 10);
    expect(sampledRecall(sparse, lists, 10, 8, 1)).toBe(1);
    const damaged = new Map([...lists].map(([id, list]) => [id, list.slice(5)]));
    expect(sampledRecall(sparse, damaged, 10, 8, 1)).toBeLessThan(0.6);
  });
});

describe.skipIf(!REAL_DATASET_DIR)('kNN on ml-latest-small', async () => {
  const data = REAL_DATASET_DIR ? await loadDataset(REAL_DATASET_DIR) : undefined;

  it('reproduces the write-up: Iron Man → The Dark Knight at 0.3295, Avatar and Inception in its top 10', () => {
    const sparse = buildSparseRatings(data!.ratings, movieStats(data!.ratings), 50);
    expect(sparse.movieIds).toHaveLength(450);
    const lists = nearestNeighbours(sparse, 50);
    const title = (id: number) => data!.movies.get(id)!.title;
    const ironMan = [...data!.movies.values()].find((m) => m.title === 'Iron Man (2008)')!.movieId;
    const top = lists.get(ironMan)!.slice(0, 10);
    expect(title(top[0].movieId)).toBe('Dark Knight, The (2008)');
    expect(top[0].distance).toBeCloseTo(0.3295, 4);
    expect(top.map((n) => title(n.movieId))).toEqual(
      expect.arrayContaining(['Avatar (2009)', 'Inception (2010)']),
    );
    expect(lists.get(ironMan)).toHaveLength(50);
    expect(sampledRecall(sparse, lists, 10, 30, 42)).toBe(1);
  });
});
