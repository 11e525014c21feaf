import type { CatalogEntry } from '../artifacts/types.ts';
import type { RatingTable } from '../data/types.ts';

export interface MovieStats {
  count: number;
  mean: number;
}

/** Rating count and mean rating of every rated movie. */
export function movieStats(ratings: RatingTable): Map<number, MovieStats> {
  const sums = new Map<number, { count: number; sum: number }>();
  for (let i = 0; i < ratings.movieIds.length; i++) {
    const s = sums.get(ratings.movieIds[i]);
    if (s) {
      s.count++;
      s.sum += ratings.ratings[i];
    } else sums.set(ratings.movieIds[i], { count: 1, sum: ratings.ratings[i] });
  }
  const stats = new Map<number, MovieStats>();
  for (const [movieId, s] of sums) stats.set(movieId, { count: s.count, mean: s.sum / s.count });
  return stats;
}

/**
 * The q-quantile with linear interpolation between closest ranks — what pandas' `quantile`
 * (and so the original write-up's `m`) computes.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export interface PopularityOptions {
  minRatings: number;
  size: number;
}

export const DEFAULT_POPULARITY: PopularityOptions = { minRatings: 50, size: 100 };

export interface Popularity {
  catalog: CatalogEntry[];
  /** m: the 75th percentile of rating counts over eligible movies. */
  m: number;
  /** C: the mean of mean ratings over eligible movies. */
  C: number;
  eligible: number;
}

/**
 * Step 1 of the method: IMDb-style weighted rating WR = (v·R + m·C) / (v + m) over movies with at
 * least `minRatings` ratings; the top `size` by WR form the catalog users pick from.
 */
export function buildPopularity(
  stats: Map<number, MovieStats>,
  options: PopularityOptions = DEFAULT_POPULARITY,
): Popularity {
  const eligible = [...stats].filter(([, s]) => s.count >= options.minRatings);
  if (eligible.length === 0) {
    throw new Error(`no movie has at least ${options.minRatings} ratings: the catalog would be empty`);
  }
  const m = quantile(
    eligible.map(([, s]) => s.count),
    0.75,
  );
  const C = eligible.reduce((sum, [, s]) => sum + s.mean, 0) / eligible.length;
  const scored = eligible.map(([movieId, { count: v, mean: R }]) => ({
    movieId,
    count: v,
    mean: R,
    wr: (v * R + m * C) / (v + m),
  }));
  // Ties (rare) go to the more-rated movie, then the lower id, so the catalog is deterministic.
  scored.sort((a, b) => b.wr - a.wr || b.count - a.count || a.movieId - b.movieId);
  const catalog = scored.slice(0, options.size).map((s, i) => ({ ...s, rank: i + 1 }));
  return { catalog, m, C, eligible: eligible.length };
}
