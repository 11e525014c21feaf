import type { Neighbour, NeighbourIndex } from './types.ts';
import type { TypedArray } from './typed-arrays.ts';

/** The kNN neighbour lists as stored: CSR over the kNN movies, each list nearest first. */
export interface NeighbourLists {
  movieIds: Int32Array;
  /** List of movieIds[i] is [start[i], start[i + 1]) of neighbours/distances. */
  start: Int32Array;
  neighbours: Int32Array;
  distances: Float32Array;
}

export function packNeighbourLists(lists: Map<number, Neighbour[]>): NeighbourLists {
  const ids = [...lists.keys()].sort((a, b) => a - b);
  const start = new Int32Array(ids.length + 1);
  ids.forEach((id, i) => (start[i + 1] = start[i] + lists.get(id)!.length));
  const neighbours = new Int32Array(start[ids.length]);
  const distances = new Float32Array(start[ids.length]);
  ids.forEach((id, i) =>
    lists.get(id)!.forEach((n, r) => {
      neighbours[start[i] + r] = n.movieId;
      distances[start[i] + r] = n.distance;
    }),
  );
  return { movieIds: Int32Array.from(ids), start, neighbours, distances };
}

export function neighbourListsFrom(arrays: Record<string, TypedArray>): NeighbourLists {
  const { movieIds, start, neighbours, distances } = arrays;
  if (
    !(movieIds instanceof Int32Array && start instanceof Int32Array && neighbours instanceof Int32Array) ||
    !(distances instanceof Float32Array) ||
    start.length !== movieIds.length + 1 ||
    start[movieIds.length] !== neighbours.length ||
    distances.length !== neighbours.length
  ) {
    throw new Error('the neighbour lists are inconsistent');
  }
  return { movieIds, start, neighbours, distances };
}

/**
 * Serves kNN lookups from the precomputed exact lists. Answers are memoised per (movie, k): the lists are
 * immutable once loaded, and /recommend asks the same few movies over and over.
 */
export class ListNeighbourIndex implements NeighbourIndex {
  private readonly rowOf = new Map<number, number>();
  private readonly memo = new Map<string, Neighbour[]>();

  constructor(private readonly lists: NeighbourLists) {
    lists.movieIds.forEach((id, row) => this.rowOf.set(id, row));
  }

  get size(): number {
    return this.rowOf.size;
  }

  has(movieId: number): boolean {
    return this.rowOf.has(movieId);
  }

  /** The k nearest other movies, nearest first; fewer when the stored list is shorter. */
  nearest(movieId: number, k: number): Neighbour[] {
    const row = this.rowOf.get(movieId);
    if (row === undefined) return [];
    const key = `${movieId}:${k}`;
    let found = this.memo.get(key);
    if (!found) {
      const { start, neighbours, distances } = this.lists;
      const end = Math.min(start[row + 1], start[row] + k);
      found = [];
      for (let p = start[row]; p < end; p++) found.push({ movieId: neighbours[p], distance: distances[p] });
      this.memo.set(key, found);
    }
    return found;
  }
}
