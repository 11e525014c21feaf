import { describe, expect, it } from 'vitest';
import { countDistribution } from '../../src/train/count-distribution.ts';

describe('countDistribution', () => {
  it('summarises rating counts of the distinct movies, by nearest rank', () => {
    const stats = new Map(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => [id, { count: id * 10, mean: 4 }] as const),
    );
    // Movie 1 appears twice but counts once; movie 99 has no ratings.
    expect(countDistribution([1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99], stats)).toEqual({
      movies: 11,
      min: 0,
      p10: 10,
      median: 50,
      p90: 90,
      max: 100,
    });
    expect(countDistribution([], stats)).toEqual({ movies: 0, min: 0, p10: 0, median: 0, p90: 0, max: 0 });
  });
});
