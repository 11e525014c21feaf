/** "Popular picks": the picks' nearest neighbours in the item kNN model. */
import type { Artifacts } from '../artifacts/types.ts';
import type { PoolAtStep } from './balanced-draw.ts';
import type { Candidate } from './recommendation.ts';

/**
 * Neighbours asked for at each widening step. 10 is the normal search; popular picks often have mostly
 * catalog movies as nearest neighbours, so the search doubles until enough remain. 160 of the ~450 kNN movies
 * always leaves enough after removing the 100 catalog movies.
 */
export const KNN_WIDTHS: readonly number[] = [10, 20, 40, 80, 160];

export function knnPools(artifacts: Artifacts, isExcluded: (movieId: number) => boolean): PoolAtStep {
  return (pickId, step) => {
    // A pick with fewer than 50 ratings is not in the kNN model; the other picks fill its share.
    if (!artifacts.knn.has(pickId)) return { candidates: [], exhausted: true };
    const width = KNN_WIDTHS[step];
    const found = artifacts.knn.nearest(pickId, width);
    const candidates: Candidate[] = [];
    found.forEach((neighbour, index) => {
      if (isExcluded(neighbour.movieId) || !artifacts.movies.has(neighbour.movieId)) return;
      candidates.push({
        movieId: neighbour.movieId,
        reason: { kind: 'knn', pickId, similarity: 1 - neighbour.distance, neighbourRank: index + 1 },
      });
    });
    // Fewer neighbours than asked for means the index has no more to give.
    return { candidates, exhausted: step >= KNN_WIDTHS.length - 1 || found.length < width };
  };
}
