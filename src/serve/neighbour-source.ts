/**
 * Popular picks from the item kNN that combine several source movies (the three picks, or a member's
 * best-rated movies): every neighbour in the sources' lists scores the sum of its cosine similarities to
 * the sources it neighbours, so a movie close to two picks beats one close to only one. A source's list
 * is its NEIGHBOURS_PER_SOURCE nearest movies (catalog movies' lists are computed once per version).
 */
import type { Artifacts, Neighbour } from '../artifacts/types.ts';
import type { RecommendationReason, ScoredCandidate } from './recommendation.ts';
import { TopK } from '../model/top-k.ts';

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

/**
 * Candidates a combination returns: more than a list's draw window (10) and its own length (5). Not many
 * more: each is a few objects of garbage per request (at 40 they were half of /recommend's allocation).
 */
export const COMBINED_RANKED = 20;

export function createNeighbourSource(
  artifacts: Artifacts,
  isCatalog: (movieId: number) => boolean,
  catalogSize: number,
): NeighbourSource {
  const lists = new Map<number, NeighbourLists>();
  // Every neighbour movie gets a dense row on first sight, so a request sums into reusable typed arrays
  // instead of a Map and an array per movie: on ml-32m those were most of a request's garbage, and the
  // young-generation collections they forced (one every ~80 requests, ~0.7 ms each) were its p99.
  const rowOf = new Map<number, number>();
  let movieOfRow = new Int32Array(1024);
  let totalOf = new Float64Array(1024);
  let stampOf = new Uint32Array(1024);
  let stamp = 0;
  let touched = new Int32Array(1024);
  // Reused by every request (cleared, not reallocated): keyed by movie id, so ties go to the lower id.
  const best = new TopK(COMBINED_RANKED);

  function denseRow(movieId: number): number {
    let row = rowOf.get(movieId);
    if (row !== undefined) return row;
    row = rowOf.size;
    rowOf.set(movieId, row);
    if (row === movieOfRow.length) {
      movieOfRow = grown(movieOfRow, new Int32Array(row * 2));
      totalOf = grown(totalOf, new Float64Array(row * 2));
      stampOf = grown(stampOf, new Uint32Array(row * 2));
    }
    movieOfRow[row] = movieId;
    return row;
  }

  /** The neighbours of `found` that `keep` accepts, as parallel arrays (plain loops: no iterator garbage). */
  function nearList(found: readonly Neighbour[], keep: (movieId: number) => boolean): NearList {
    let count = 0;
    for (const n of found) if (keep(n.movieId)) count++;
    const list: NearList = {
      movieIds: new Int32Array(count),
      rows: new Int32Array(count),
      similarities: new Float64Array(count),
    };
    let i = 0;
    for (const n of found) {
      if (!keep(n.movieId)) continue;
      list.movieIds[i] = n.movieId;
      list.rows[i] = denseRow(n.movieId);
      list.similarities[i] = 1 - n.distance;
      i++;
    }
    return list;
  }

  function neighboursOf(movieId: number): NeighbourLists {
    const cached = lists.get(movieId);
    if (cached) return cached;
    if (!artifacts.knn.has(movieId)) return { all: EMPTY, outsideCatalog: EMPTY };
    // /recommend removes the catalog, so ask for enough to survive that.
    const found = artifacts.knn.nearest(movieId, NEIGHBOURS_PER_SOURCE + catalogSize);
    const known = (id: number) => artifacts.movies.has(id);
    let outsideCatalog: NearList | undefined;
    const entry: NeighbourLists = {
      all: nearList(found, known),
      // Only /recommend's picks (catalog movies, kept below) read this: built when first asked for.
      get outsideCatalog() {
        return (outsideCatalog ??= nearList(found, (id) => known(id) && !isCatalog(id)));
      },
    };
    // Only catalog movies are kept (what /recommend users pick): bounded by catalog size.
    if (isCatalog(movieId)) lists.set(movieId, entry);
    return entry;
  }

  return {
    warm(movieId) {
      neighboursOf(movieId);
    },

    combined(sources, isExcluded, basis, weights) {
      stamp++;
      if (touched.length < sources.length * NEIGHBOURS_PER_SOURCE)
        touched = new Int32Array(sources.length * NEIGHBOURS_PER_SOURCE);
      let touchedCount = 0;
      // How far each source's list was read: a movie's card names the sources whose read part holds it.
      const read = sources.map((source, s) => {
        const weight = weights?.[s] ?? 1;
        const lists = neighboursOf(source);
        // /recommend never shows catalog movies, so its picks read the list without them.
        const list = basis === 'picks' ? lists.outsideCatalog : lists.all;
        let kept = 0;
        let i = 0;
        for (; i < list.rows.length && kept < NEIGHBOURS_PER_SOURCE; i++) {
          if (isExcluded(list.movieIds[i])) continue;
          kept++;
          const row = list.rows[i];
          if (stampOf[row] !== stamp) {
            stampOf[row] = stamp;
            totalOf[row] = 0;
            touched[touchedCount++] = row;
          }
          totalOf[row] += weight * list.similarities[i];
        }
        return { list, until: i };
      });
      // The best COMBINED_RANKED rows, best first.
      best.clear();
      for (let t = 0; t < touchedCount; t++) best.offer(movieOfRow[touched[t]], totalOf[touched[t]]);
      return best.best().map((movieId) => {
        const row = rowOf.get(movieId)!;
        const matches: Near[] = [];
        sources.forEach((source, s) => {
          const { list, until } = read[s];
          for (let i = 0; i < until; i++) {
            // The card names the sources it is similar to; a zero or negative cosine is not "similar".
            if (list.rows[i] === row && list.similarities[i] > 0)
              matches.push({ movieId: source, similarity: list.similarities[i] });
          }
        });
        return {
          movieId: movieOfRow[row],
          score: totalOf[row],
          reason: {
            kind: 'knn-combined' as const,
            basis,
            matches: matches.sort((a, b) => b.similarity - a.similarity || a.movieId - b.movieId),
            totalSimilarity: totalOf[row],
          },
        };
      });
    },
  };
}

/** A movie's neighbour list, and the same without catalog movies (for /recommend's picks). */
interface NeighbourLists {
  all: NearList;
  readonly outsideCatalog: NearList;
}

/** A neighbour list as parallel arrays; rows are the source's dense rows (rowOf). */
interface NearList {
  movieIds: Int32Array;
  rows: Int32Array;
  similarities: Float64Array;
}

const EMPTY: NearList = {
  movieIds: new Int32Array(0),
  rows: new Int32Array(0),
  similarities: new Float64Array(0),
};

function grown<T extends Int32Array | Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
