/**
 * Which movies can be hidden gems: known enough that the DNMF's estimate is not anecdotal (at least the
 * manifest's minCandidateRatings) and less known than anything the item kNN covers (fewer than its
 * minRatings). The popular picks come from the kNN, so the two lists split the catalogue by popularity
 * instead of by a tuned cut-off; both bounds come from the version's own manifest.
 */
import type { Artifacts, Manifest } from './types.ts';

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
