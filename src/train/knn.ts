/**
 * Step 2, item kNN: exact cosine similarity between movies' rating vectors (one dimension per user, 0 where
 * unrated), computed sparsely. A movie's dot products with every other movie are accumulated over the users
 * who rated it: for each such user, over that user's other ratings. The work is Σ over users of (their kNN
 * ratings)², never movies × users, and memory is two compressed copies of the ratings.
 *
 * The result is a neighbour list per movie, nearest first, as long as the widest search serving makes
 * (`listLength`); serving reads these lists instead of querying an approximate index. (An hnswlib index over
 * dense vectors needs movies × users floats: 450 × 610 on ml-latest-small, but ~30,000 × 200,000 = 24 GB on
 * ml-32m, and it was only ever asked for neighbours of movies it already held.)
 */
import type { Neighbour } from '../artifacts/types.ts';
import type { RatingTable } from '../data/types.ts';
import type { MovieStats } from './popularity.ts';
import { TopK } from '../model/top-k.ts';

export interface KnnOptions {
  minRatings: number;
  /** Neighbours every kNN movie is promised (the verification and the manifest's recall use it). */
  k: number;
  /**
   * Neighbours stored per movie: the widest list serving reads (src/serve/neighbour-source.ts asks for 100
   * outside the 100-movie catalog, so 200).
   */
  listLength: number;
  /** Movies whose lists are checked against an independent exact computation. */
  recallSample: number;
  seed: number;
}

export const DEFAULT_KNN: KnnOptions = {
  minRatings: 50,
  k: 10,
  listLength: 200,
  recallSample: 24,
  seed: 42,
};

/**
 * The kNN movies' ratings in compressed sparse form, twice: by movie (row = position in movieIds) and by
 * user (column = dense user index). Values are the ratings.
 */
export interface SparseRatings {
  /** kNN movies, ascending; row i of the movie side is movieIds[i]. */
  movieIds: number[];
  /** Distinct users in the ratings: the dimensions of the rating vectors. */
  dimensions: number;
  movieStart: Int32Array;
  movieUsers: Int32Array;
  movieValues: Float32Array;
  userStart: Int32Array;
  userMovies: Int32Array;
  userValues: Float32Array;
  /** Euclidean norm of each movie's rating vector. */
  norms: Float64Array;
}

export function buildSparseRatings(
  ratings: RatingTable,
  stats: Map<number, MovieStats>,
  minRatings: number,
): SparseRatings {
  const movieIds = [...stats]
    .filter(([, s]) => s.count >= minRatings)
    .map(([id]) => id)
    .sort((a, b) => a - b);
  const movieRow = new Map(movieIds.map((id, row) => [id, row]));
  const userColumn = new Map<number, number>();
  // Users in id order, so the result does not depend on the order of the ratings file.
  for (const u of [...new Set(ratings.userIds)].sort((a, b) => a - b)) userColumn.set(u, userColumn.size);
  const n = ratings.ratings.length;
  const rowOf = new Int32Array(n);
  const columnOf = new Int32Array(n);
  const movieStart = new Int32Array(movieIds.length + 1);
  const userStart = new Int32Array(userColumn.size + 1);
  for (let i = 0; i < n; i++) {
    const row = movieRow.get(ratings.movieIds[i]) ?? -1;
    rowOf[i] = row;
    if (row < 0) continue;
    const column = userColumn.get(ratings.userIds[i])!;
    columnOf[i] = column;
    movieStart[row + 1]++;
    userStart[column + 1]++;
  }
  for (let r = 0; r < movieIds.length; r++) movieStart[r + 1] += movieStart[r];
  for (let c = 0; c < userColumn.size; c++) userStart[c + 1] += userStart[c];
  const total = movieStart[movieIds.length];
  const movieUsers = new Int32Array(total);
  const movieValues = new Float32Array(total);
  const userMovies = new Int32Array(total);
  const userValues = new Float32Array(total);
  const movieNext = movieStart.slice(0, movieIds.length);
  const userNext = userStart.slice(0, userColumn.size);
  // User lists first, in file order; then the movie lists from them in user order, so each movie's user
  // list comes out sorted by user (cosineDistance merges on it). Two counting passes, no comparison sort.
  for (let i = 0; i < n; i++) {
    if (rowOf[i] < 0) continue;
    const column = columnOf[i];
    userMovies[userNext[column]] = rowOf[i];
    userValues[userNext[column]++] = ratings.ratings[i];
  }
  for (let column = 0; column < userColumn.size; column++) {
    for (let q = userStart[column]; q < userStart[column + 1]; q++) {
      const row = userMovies[q];
      movieUsers[movieNext[row]] = column;
      movieValues[movieNext[row]++] = userValues[q];
    }
  }
  const norms = new Float64Array(movieIds.length);
  for (let r = 0; r < movieIds.length; r++) {
    let s = 0;
    for (let p = movieStart[r]; p < movieStart[r + 1]; p++) s += movieValues[p] * movieValues[p];
    norms[r] = Math.sqrt(s);
  }
  return {
    movieIds,
    dimensions: userColumn.size,
    movieStart,
    movieUsers,
    movieValues,
    userStart,
    userMovies,
    userValues,
    norms,
  };
}

/**
 * The `listLength` nearest other movies of every kNN movie (rows from..to), by exact cosine distance, nearest
 * first, ties by movie id. Movies sharing no user are at distance 1 and fill a list only when too few share.
 */
export function nearestNeighbours(
  sparse: SparseRatings,
  listLength: number,
  from = 0,
  to = sparse.movieIds.length,
): Map<number, Neighbour[]> {
  const { movieIds, movieStart, movieUsers, movieValues, userStart, userMovies, userValues, norms } = sparse;
  const n = movieIds.length;
  const want = Math.min(listLength, n - 1);
  const dots = new Float64Array(n);
  const touched = new Int32Array(n);
  const isTouched = new Uint8Array(n);
  // The nearest `want` by the highest −distance (ties: the lower row, i.e. the lower movie id).
  const nearest = new TopK(want);
  const result = new Map<number, Neighbour[]>();
  for (let i = from; i < to; i++) {
    let touchedCount = 0;
    for (let p = movieStart[i]; p < movieStart[i + 1]; p++) {
      const user = movieUsers[p];
      const value = movieValues[p];
      for (let q = userStart[user]; q < userStart[user + 1]; q++) {
        const j = userMovies[q];
        if (!isTouched[j]) {
          isTouched[j] = 1;
          touched[touchedCount++] = j;
        }
        dots[j] += value * userValues[q];
      }
    }
    nearest.clear();
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t];
      if (j !== i) nearest.offer(j, dots[j] / (norms[i] * norms[j]) - 1);
    }
    // Fewer co-rated movies than wanted: the rest are orthogonal (distance 1), lowest ids first.
    for (let j = 0; nearest.size < want && j < n; j++) if (j !== i && !isTouched[j]) nearest.offer(j, -1);
    for (let t = 0; t < touchedCount; t++) {
      dots[touched[t]] = 0;
      isTouched[touched[t]] = 0;
    }
    const list: Neighbour[] = new Array(nearest.size);
    for (let r = 0; r < nearest.size; r++)
      list[r] = { movieId: movieIds[nearest.indices[r]], distance: 0 - nearest.keys[r] };
    result.set(movieIds[i], list);
  }
  return result;
}

/**
 * Exact cosine distance between two kNN movies by merging their sorted user lists: a second, independent
 * way to the same numbers, used to check the lists on a sample.
 */
export function cosineDistance(sparse: SparseRatings, a: number, b: number): number {
  const { movieStart, movieUsers, movieValues, norms } = sparse;
  let p = movieStart[a];
  let q = movieStart[b];
  let dot = 0;
  while (p < movieStart[a + 1] && q < movieStart[b + 1]) {
    if (movieUsers[p] < movieUsers[q]) p++;
    else if (movieUsers[p] > movieUsers[q]) q++;
    else dot += movieValues[p++] * movieValues[q++];
  }
  return 1 - dot / (norms[a] * norms[b]);
}

/**
 * recall@k of the neighbour lists on a seeded sample of movies: the share of each sampled movie's true k
 * nearest (by cosineDistance against every other movie) that its list holds in its first k.
 */
export function sampledRecall(
  sparse: SparseRatings,
  lists: Map<number, Neighbour[]>,
  k: number,
  sample: number,
  seed: number,
): number {
  const n = sparse.movieIds.length;
  if (n < 2) return 1;
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const rows = new Set<number>();
  while (rows.size < Math.min(sample, n)) rows.add(next());
  let hits = 0;
  let total = 0;
  for (const a of rows) {
    const truth: Neighbour[] = [];
    for (let b = 0; b < n; b++) {
      if (b !== a) truth.push({ movieId: sparse.movieIds[b], distance: cosineDistance(sparse, a, b) });
    }
    truth.sort((x, y) => x.distance - y.distance || x.movieId - y.movieId);
    const found = new Set((lists.get(sparse.movieIds[a]) ?? []).slice(0, k).map((m) => m.movieId));
    for (const t of truth.slice(0, k)) if (found.has(t.movieId)) hits++;
    total += Math.min(k, n - 1);
  }
  return total === 0 ? 1 : hits / total;
}
