import { describe, expect, it } from 'vitest';
import { buildPopularity, movieStats, quantile } from '../../src/train/popularity.ts';
import { ratingTable } from '../support/dataset.ts';

describe('quantile', () => {
  it('interpolates linearly between ranks like pandas', () => {
    expect(quantile([1, 2, 3, 4], 0.75)).toBeCloseTo(3.25, 12);
    expect(quantile([10, 2, 5], 0.75)).toBeCloseTo(7.5, 12);
    expect(quantile([4], 0.75)).toBe(4);
  });
});

describe('buildPopularity', () => {
  // Movie 1: 4 ratings mean 4.5; movie 2: 2 ratings mean 3; movie 3: 3 ratings mean 5; movie 4: 1 rating.
  const ratings = ratingTable([
    [1, 1, 5],
    [2, 1, 4],
    [3, 1, 4.5],
    [4, 1, 4.5],
    [1, 2, 3],
    [2, 2, 3],
    [1, 3, 5],
    [2, 3, 5],
    [3, 3, 5],
    [1, 4, 5],
  ]);

  it('computes WR = (v·R + m·C)/(v + m) over movies with enough ratings', () => {
    const { catalog, m, C, eligible } = buildPopularity(movieStats(ratings), { minRatings: 2, size: 10 });
    // Eligible: movies 1, 2, 3 (counts 4, 2, 3). m = 75th percentile of [2, 3, 4] = 3.5; C = (4.5 + 3 + 5)/3.
    expect(eligible).toBe(3);
    expect(m).toBeCloseTo(3.5, 12);
    expect(C).toBeCloseTo(12.5 / 3, 12);
    const wr = (v: number, R: number) => (v * R + 3.5 * (12.5 / 3)) / (v + 3.5);
    // Movie 3's perfect mean outweighs movie 1's extra rating: 4.5513 > 4.3444 > 3.7424.
    expect(catalog.map((e) => e.movieId)).toEqual([3, 1, 2]);
    expect(catalog[1]).toMatchObject({ movieId: 1, rank: 2, count: 4, mean: 4.5 });
    expect(catalog[0].wr).toBeCloseTo(wr(3, 5), 10);
    expect(catalog[1].wr).toBeCloseTo(wr(4, 4.5), 10);
    expect(catalog[2].wr).toBeCloseTo(wr(2, 3), 10);
    expect(catalog[0].wr).toBeCloseTo(4.551282, 6);
    expect(catalog[1].wr).toBeCloseTo(4.344444, 6);
  });

  it('cuts the catalog to its size and leaves out movies below the threshold', () => {
    const { catalog } = buildPopularity(movieStats(ratings), { minRatings: 3, size: 1 });
    expect(catalog).toHaveLength(1);
    expect(catalog[0].movieId).toBe(3);
  });

  it('refuses to build an empty catalog', () => {
    expect(() => buildPopularity(movieStats(ratings), { minRatings: 50, size: 100 })).toThrow(
      'no movie has at least 50 ratings',
    );
  });
});
