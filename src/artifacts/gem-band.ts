/**
 * Which movies can be hidden gems: known enough that the DNMF's estimate is not anecdotal (at least the
 * manifest's minCandidateRatings) and less known than anything the item kNN covers (fewer than its
 * minRatings). The popular picks come from the kNN, so the two lists split the catalogue by popularity
 * instead of by a tuned cut-off; both bounds come from the version's own manifest.
 */
import type { Artifacts, Manifest } from './types.ts';

/**
 * Training ratings a movie needs to be a hidden gem (the manifest's minCandidateRatings). Hidden gems should
 * be less known, not noise: a movie with one or two ratings has a bias that is still mostly its raters' taste
 * and an embedding fitted to a couple of people, so with nothing else it would win many lists on uncertainty
 * alone. 10 ratings is where the mean is no longer anecdotal (the DNMF's bias shrinkage, λ = 2, moves it by
 * at most 1/6); on ml-latest-small it keeps 2,269 of 9,724 movies as candidates (3,446 have a single rating).
 */
export const DEFAULT_MIN_CANDIDATE_RATINGS = 10;

export interface GemBand {
  minRatings: number;
  /** Exclusive. */
  belowRatings: number;
}

export function gemBand(manifest: {
  dnmf: Pick<Manifest['dnmf'], 'minCandidateRatings'>;
  knn: Pick<Manifest['knn'], 'minRatings'>;
}): GemBand {
  return { minRatings: manifest.dnmf.minCandidateRatings, belowRatings: manifest.knn.minRatings };
}

export function inGemBand(band: GemBand, ratingCount: number): boolean {
  return ratingCount >= band.minRatings && ratingCount < band.belowRatings;
}

/** The DNMF rows of the movies in a version's gem band, in row order. */
export function gemBandRows(artifacts: Pick<Artifacts, 'manifest' | 'movies' | 'dnmf'>): number[] {
  const band = gemBand(artifacts.manifest);
  const rows: number[] = [];
  artifacts.dnmf.movieIds.forEach((movieId, row) => {
    const movie = artifacts.movies.get(movieId);
    if (movie && inGemBand(band, movie.count)) rows.push(row);
  });
  return rows;
}
