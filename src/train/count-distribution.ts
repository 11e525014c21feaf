import type { CountDistribution, Neighbour } from '../artifacts/types.ts';
import type { MovieStats } from './popularity.ts';

export type { CountDistribution };

function nearestRank(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function countDistribution(
  movieIds: Iterable<number>,
  stats: Map<number, MovieStats>,
): CountDistribution {
  const counts = [...new Set(movieIds)].map((id) => stats.get(id)?.count ?? 0).sort((a, b) => a - b);
  if (counts.length === 0) return { movies: 0, min: 0, p10: 0, median: 0, p90: 0, max: 0 };
  return {
    movies: counts.length,
    min: counts[0],
    p10: nearestRank(counts, 0.1),
    median: nearestRank(counts, 0.5),
    p90: nearestRank(counts, 0.9),
    max: counts[counts.length - 1],
  };
}

export const neighbourMovieIds = (table: Map<number, Neighbour[]>) =>
  [...table.values()].flat().map((n) => n.movieId);
