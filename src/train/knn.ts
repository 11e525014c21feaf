import hnswlib from 'hnswlib-node';
import type { Neighbour } from '../artifacts/types.ts';
import type { RatingTable } from '../data/types.ts';
import type { MovieStats } from './popularity.ts';

export interface KnnOptions {
  minRatings: number;
  k: number;
  /** hnswlib graph degree and build-time beam; generous because the index is small. */
  m: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
}

export const DEFAULT_KNN: KnnOptions = {
  minRatings: 50,
  k: 10,
  m: 16,
  efConstruction: 200,
  efSearch: 100,
  seed: 42,
};

/**
 * Item vectors of step 2: one row per movie with at least `minRatings` ratings, one column per user
 * (every user in the data), holding the rating or 0 where unrated.
 */
export interface ItemVectors {
  movieIds: number[];
  dimensions: number;
  /** Row-major movieIds.length × dimensions. */
  values: Float32Array;
}

export function buildItemVectors(
  ratings: RatingTable,
  stats: Map<number, MovieStats>,
  minRatings: number,
): ItemVectors {
  // Columns in user-id order, so the vectors do not depend on the order of the ratings file.
  const userColumn = new Map(
    [...new Set(ratings.userIds)].sort((a, b) => a - b).map((u, column) => [u, column]),
  );
  const movieIds = [...stats]
    .filter(([, s]) => s.count >= minRatings)
    .map(([id]) => id)
    .sort((a, b) => a - b);
  const movieRow = new Map(movieIds.map((id, row) => [id, row]));
  const dimensions = userColumn.size;
  const values = new Float32Array(movieIds.length * dimensions);
  for (let i = 0; i < ratings.movieIds.length; i++) {
    const row = movieRow.get(ratings.movieIds[i]);
    if (row !== undefined)
      values[row * dimensions + userColumn.get(ratings.userIds[i])!] = ratings.ratings[i];
  }
  return { movieIds, dimensions, values };
}

function row(vectors: ItemVectors, i: number): Float32Array {
  return vectors.values.subarray(i * vectors.dimensions, (i + 1) * vectors.dimensions);
}

/** Exact cosine-distance kNN by brute force: the reference the hnswlib index is checked against. */
export function exactNeighbours(vectors: ItemVectors, k: number): Map<number, Neighbour[]> {
  const n = vectors.movieIds.length;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = row(vectors, i);
    let s = 0;
    for (let d = 0; d < r.length; d++) s += r[d] * r[d];
    norms[i] = Math.sqrt(s);
  }
  const result = new Map<number, Neighbour[]>();
  for (let i = 0; i < n; i++) {
    const a = row(vectors, i);
    const candidates: Neighbour[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const b = row(vectors, j);
      let dot = 0;
      for (let d = 0; d < a.length; d++) dot += a[d] * b[d];
      candidates.push({ movieId: vectors.movieIds[j], distance: 1 - dot / (norms[i] * norms[j]) });
    }
    candidates.sort((x, y) => x.distance - y.distance || x.movieId - y.movieId);
    result.set(vectors.movieIds[i], candidates.slice(0, k));
  }
  return result;
}

/** Builds the hnswlib-node index in cosine space, labelled by movieId. */
export function buildHnswIndex(
  vectors: ItemVectors,
  options: KnnOptions = DEFAULT_KNN,
): hnswlib.HierarchicalNSW {
  const index = new hnswlib.HierarchicalNSW('cosine', vectors.dimensions);
  index.initIndex({
    maxElements: Math.max(1, vectors.movieIds.length),
    m: options.m,
    efConstruction: options.efConstruction,
    randomSeed: options.seed,
  });
  vectors.movieIds.forEach((movieId, i) => index.addPoint(Array.from(row(vectors, i)), movieId));
  index.setEf(options.efSearch);
  return index;
}

// Lookups live with the index file they serve (artifacts), so serving never imports train/.
export { searchIndex } from '../artifacts/knn-index.ts';

/** Fraction of the exact top-k that the index also returns (recall@k), averaged over movies. */
export function recallAtK(exact: Map<number, Neighbour[]>, approximate: Map<number, Neighbour[]>): number {
  let hits = 0;
  let total = 0;
  for (const [movieId, truth] of exact) {
    const found = new Set((approximate.get(movieId) ?? []).map((n) => n.movieId));
    for (const n of truth) if (found.has(n.movieId)) hits++;
    total += truth.length;
  }
  return total === 0 ? 1 : hits / total;
}
