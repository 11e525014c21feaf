/**
 * Popular picks from the item kNN that combine several source movies (the three picks, or a member's
 * best-rated movies): every neighbour in the sources' lists scores the sum of its cosine similarities to
 * the sources it neighbours, so a movie close to two picks beats one close to only one. A source's list
 * is its NEIGHBOURS_PER_SOURCE nearest movies (catalog movies' lists are computed once per version).
 */
import type { Artifacts } from '../artifacts/types.ts';
import type { RecommendationReason, ScoredCandidate } from './recommendation.ts';

/** Neighbours read per source: deep enough that a list is not only the source's few closest movies. */
export const NEIGHBOURS_PER_SOURCE = 100;

type Basis = Extract<RecommendationReason, { kind: 'knn-combined' }>['basis'];

interface Near {
  movieId: number;
  similarity: number;
}

export interface NeighbourSource {
  warm(movieId: number): void;
  /**
   * Candidates ranked by summed similarity, best first. weights (same length as sources, default 1)
   * scale each source's similarities, e.g. so that every /movienight member counts the same.
   */
  combined(
    sources: readonly number[],
    isExcluded: (movieId: number) => boolean,
    basis: Basis,
    weights?: readonly number[],
  ): ScoredCandidate[];
}

export function createNeighbourSource(
  artifacts: Artifacts,
  isCacheable: (movieId: number) => boolean,
  catalogSize: number,
): NeighbourSource {
  const lists = new Map<number, Near[]>();

  function neighboursOf(movieId: number): Near[] {
    const cached = lists.get(movieId);
    if (cached) return cached;
    if (!artifacts.knn.has(movieId)) return [];
    // Catalog movies are removed per request for /recommend, so ask for enough to survive that.
    const found = artifacts.knn.nearest(movieId, NEIGHBOURS_PER_SOURCE + catalogSize);
    const near = found
      .filter((n) => artifacts.movies.has(n.movieId))
      .map((n) => ({ movieId: n.movieId, similarity: 1 - n.distance }));
    if (isCacheable(movieId)) lists.set(movieId, near);
    return near;
  }

  return {
    warm(movieId) {
      neighboursOf(movieId);
    },

    combined(sources, isExcluded, basis, weights) {
      const gathered = new Map<number, { total: number; matches: Near[] }>();
      sources.forEach((source, index) => {
        const weight = weights?.[index] ?? 1;
        let kept = 0;
        for (const near of neighboursOf(source)) {
          if (kept === NEIGHBOURS_PER_SOURCE) break;
          if (isExcluded(near.movieId)) continue;
          kept++;
          const entry = gathered.get(near.movieId) ?? { total: 0, matches: [] };
          gathered.set(near.movieId, entry);
          entry.total += weight * near.similarity;
          // The card names the sources it is similar to; a zero or negative cosine is not "similar".
          if (near.similarity > 0) entry.matches.push({ movieId: source, similarity: near.similarity });
        }
      });
      const ranked: ScoredCandidate[] = [];
      for (const [movieId, { total, matches }] of gathered) {
        matches.sort((a, b) => b.similarity - a.similarity || a.movieId - b.movieId);
        ranked.push({
          movieId,
          score: total,
          reason: { kind: 'knn-combined', basis, matches, totalSimilarity: total },
        });
      }
      return ranked.sort((a, b) => b.score - a.score || a.movieId - b.movieId);
    },
  };
}
