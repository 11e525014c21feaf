/**
 * Last resort when a model cannot fill its list: the best-rated movies outside the catalog, by the same
 * weighted rating that ranks the catalog, so these are "the next most popular" rather than arbitrary movies.
 */
import type { Artifacts, MovieInfo } from '../artifacts/types.ts';
import { drawRankIndex } from './rank-sampling.ts';
import type { Candidate } from './recommendation.ts';
import type { Rng } from '../random.ts';

/** Draw among this many of the best remaining movies, so fallbacks vary between requests too. */
const FALLBACK_WINDOW = 10;

interface Ranked {
  movie: MovieInfo;
  weightedRating: number;
}

export type PopularityFallback = (
  need: number,
  isExcluded: (movieId: number) => boolean,
  rng: Rng,
) => Candidate[];

export function createPopularityFallback(
  artifacts: Artifacts,
  catalogIds: ReadonlySet<number>,
): PopularityFallback {
  const { m, C } = artifacts.manifest.popularity;
  const ranked: Ranked[] = [];
  for (const movie of artifacts.movies.values()) {
    if (catalogIds.has(movie.movieId) || movie.count <= 0) continue;
    ranked.push({ movie, weightedRating: (movie.count * movie.mean + m * C) / (movie.count + m) });
  }
  ranked.sort((a, b) => b.weightedRating - a.weightedRating || a.movie.movieId - b.movie.movieId);

  return (need, isExcluded, rng) => {
    const chosen: Candidate[] = [];
    const taken = new Set<number>();
    while (chosen.length < need) {
      const window: Ranked[] = [];
      for (const entry of ranked) {
        if (isExcluded(entry.movie.movieId) || taken.has(entry.movie.movieId)) continue;
        window.push(entry);
        if (window.length === FALLBACK_WINDOW) break;
      }
      if (window.length === 0) break;
      const { movie, weightedRating } = window[drawRankIndex(window.length, rng)];
      taken.add(movie.movieId);
      chosen.push({
        movieId: movie.movieId,
        reason: { kind: 'popular-fallback', count: movie.count, mean: movie.mean, weightedRating },
      });
    }
    return chosen;
  };
}
