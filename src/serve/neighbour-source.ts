/**
 * Popular picks from the item kNN that combine several source movies (the three picks, or a member's
 * best-rated movies): every neighbour in the sources' lists scores the sum of its cosine similarities to
 * the sources it neighbours, so a movie close to two picks beats one close to only one. A source's list
 * is its NEIGHBOURS_PER_SOURCE nearest movies (catalog movies' lists are computed once per version).
 */
import type { Artifacts } from '../artifacts/types.ts';
import { topRows } from './ranked-draw.ts';
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
   * The best COMBINED_RANKED candidates by summed similarity, best first. weights (same length as sources, default 1)
   * scale each source's similarities, e.g. so that every /movienight member counts the same.
   */
  combined(
    sources: readonly number[],
    isExcluded: (movieId: number) => boolean,
    basis: Basis,
    weights?: readonly number[],
  ): ScoredCandidate[];
}

/** Candidates a combination returns: more than a list's draw window and its own length. */
export const COMBINED_RANKED = 40;

export function createNeighbourSource(
  artifacts: Artifacts,
  isCatalog: (movieId: number) => boolean,
  catalogSize: number,
): NeighbourSource {
  const lists = new Map<number, { all: Near[]; outsideCatalog: Near[] }>();

  function neighboursOf(movieId: number) {
    const cached = lists.get(movieId);
    if (cached) return cached;
    if (!artifacts.knn.has(movieId)) return { all: [], outsideCatalog: [] };
    // /recommend removes the catalog, so ask for enough to survive that.
    const found = artifacts.knn.nearest(movieId, NEIGHBOURS_PER_SOURCE + catalogSize);
    const all = found
      .filter((n) => artifacts.movies.has(n.movieId))
      .map((n) => ({ movieId: n.movieId, similarity: 1 - n.distance }));
    const entry = { all, outsideCatalog: all.filter((n) => !isCatalog(n.movieId)) };
    // Only catalog movies are kept (what /recommend users pick): bounded by catalog size.
    if (isCatalog(movieId)) lists.set(movieId, entry);
    return entry;
  }

  return {
    warm(movieId) {
      neighboursOf(movieId);
    },

    combined(sources, isExcluded, basis, weights) {
      const index = new Map<number, number>();
      const movieIds: number[] = [];
      const totals: number[] = [];
      const matches: Near[][] = [];
      sources.forEach((source, s) => {
        const weight = weights?.[s] ?? 1;
        const lists = neighboursOf(source);
        // /recommend never shows catalog movies, so its picks read the list without them.
        const list = basis === 'picks' ? lists.outsideCatalog : lists.all;
        let kept = 0;
        for (const near of list) {
          if (kept === NEIGHBOURS_PER_SOURCE) break;
          if (isExcluded(near.movieId)) continue;
          kept++;
          let at = index.get(near.movieId);
          if (at === undefined) {
            at = movieIds.length;
            index.set(near.movieId, at);
            movieIds.push(near.movieId);
            totals.push(0);
            matches.push([]);
          }
          totals[at] += weight * near.similarity;
          // The card names the sources it is similar to; a zero or negative cosine is not "similar".
          if (near.similarity > 0) matches[at].push({ movieId: source, similarity: near.similarity });
        }
      });
      const scores = Float64Array.from(totals);
      const order = Array.from(movieIds, (_, i) => i);
      // Ties: the lower movie id, so the order does not depend on the order of the lists.
      const best = topRows(order, scores, COMBINED_RANKED).sort(
        (a, b) => scores[b] - scores[a] || movieIds[a] - movieIds[b],
      );
      return best.map((at) => ({
        movieId: movieIds[at],
        score: totals[at],
        reason: {
          kind: 'knn-combined' as const,
          basis,
          matches: matches[at].sort((a, b) => b.similarity - a.similarity || a.movieId - b.movieId),
          totalSimilarity: totals[at],
        },
      }));
    },
  };
}
