import hnswlib from 'hnswlib-node';
import type { Neighbour, NeighbourIndex } from './types.ts';

/**
 * Serves kNN lookups from the hnswlib-node index file. Answers are memoised per (movie, k): the
 * index is immutable once loaded, and /recommend asks the same few movies over and over.
 */
export class HnswNeighbourIndex implements NeighbourIndex {
  private readonly labels: Set<number>;
  private readonly memo = new Map<string, Neighbour[]>();

  private constructor(private readonly index: hnswlib.HierarchicalNSW) {
    this.labels = new Set(index.getIdsList());
  }

  static load(file: string, dimensions: number, efSearch: number): HnswNeighbourIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    index.readIndexSync(file);
    index.setEf(efSearch);
    return new HnswNeighbourIndex(index);
  }

  get size(): number {
    return this.labels.size;
  }

  has(movieId: number): boolean {
    return this.labels.has(movieId);
  }

  nearest(movieId: number, k: number): Neighbour[] {
    if (!this.labels.has(movieId)) return [];
    const key = `${movieId}:${k}`;
    let found = this.memo.get(key);
    if (!found) {
      // A wider search needs a wider beam to stay accurate.
      if (k > this.index.getEf()) this.index.setEf(k);
      found = searchIndex(this.index, movieId, k);
      this.memo.set(key, found);
    }
    return found;
  }
}

/** The k nearest other movies of a movie already in the index, nearest first. */
export function searchIndex(index: hnswlib.HierarchicalNSW, movieId: number, k: number): Neighbour[] {
  const available = index.getCurrentCount() - 1;
  const want = Math.min(k, available);
  if (want <= 0) return [];
  // Ask for one extra: the movie itself comes back at distance 0 (or ties with an identical vector).
  const { neighbors, distances } = index.searchKnn(index.getPoint(movieId), want + 1);
  const out: Neighbour[] = [];
  neighbors.forEach((id, i) => {
    if (id !== movieId) out.push({ movieId: id, distance: distances[i] });
  });
  return out.slice(0, want);
}
