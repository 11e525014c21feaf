/**
 * Synthetic artifacts of the real size (ml-latest-small: 9,742 movies, 610 users, ~450 kNN movies, a
 * 100-movie catalog) for timing the serving code. Popularity is long-tailed like MovieLens, and ratings
 * concentrate on popular movies, so (as in the real data) popular picks have mostly catalog movies as nearest
 * neighbours. The kNN index is a real hnswlib-node index, queried the way the production index is.
 */
import hnswlib from 'hnswlib-node';
import type { Artifacts, Neighbour, NeighbourIndex } from '../../src/artifacts/types.ts';
import { buildArtifacts, range } from './fixtures.ts';

export const REAL_MOVIES = 9742;
export const REAL_USERS = 610;
export const CATALOG_SIZE = 100;
const KNN_MIN_RATINGS = 50;

export interface RealSizeOptions {
  /** Rows per DNMF table (the pipeline's default is 10). */
  tableSize: number;
  seed?: number;
}

export function realSizeArtifacts({ tableSize, seed = 1 }: RealSizeOptions): {
  artifacts: Artifacts;
  catalogIds: number[];
} {
  const random = lcg(seed);
  const movieIds = range(1, REAL_MOVIES);
  const userIds = range(1, REAL_USERS);
  // Movie i (1-based) has ~329·i^-0.31 ratings: the top movie 329, the 450th about 50, as in ml-latest-small.
  const counts = movieIds.map((id) => Math.max(1, Math.round(329 * id ** -0.31)));
  const means = movieIds.map(() => 2.5 + random() * 2);
  const catalogIds = range(1, CATALOG_SIZE);

  const knnIds = movieIds.filter((id) => counts[id - 1] >= KNN_MIN_RATINGS);
  const index = new hnswlib.HierarchicalNSW('cosine', REAL_USERS);
  index.initIndex({ maxElements: knnIds.length, m: 16, efConstruction: 200, randomSeed: 42 });
  for (const movieId of knnIds) {
    const vector = new Array<number>(REAL_USERS).fill(0);
    // Heavy raters (low user ids) rate more of everything, which makes popular movies similar.
    for (let r = 0; r < counts[movieId - 1]; r++) {
      const user = Math.floor(REAL_USERS * random() ** 2);
      vector[user] = Math.max(1, Math.min(5, Math.round(means[movieId - 1] + random() * 2 - 1)));
    }
    index.addPoint(vector, movieId);
  }
  index.setEf(100);

  const usersPerMovie: Record<number, Array<[number, number]>> = {};
  for (const movieId of movieIds) usersPerMovie[movieId] = topScored(userIds, tableSize, random);
  // Users' top unrated movies lean popular (catalog ones included), as a model trained on MovieLens predicts.
  const candidatePool = movieIds.filter((id) => counts[id - 1] >= 10);
  const moviesPerUser: Record<number, Array<[number, number]>> = {};
  for (const userId of userIds) {
    const favoured = range(1, tableSize * 3).map(
      () => candidatePool[Math.floor(candidatePool.length * random() ** 3)],
    );
    moviesPerUser[userId] = topScored([...new Set(favoured)], tableSize, random);
  }

  const artifacts = buildArtifacts({
    movies: movieIds.map((movieId) => ({
      movieId,
      title: `Movie ${movieId}, The (${1950 + (movieId % 70)})`,
      count: counts[movieId - 1],
      mean: means[movieId - 1],
    })),
    catalog: catalogIds,
    usersPerMovie,
    moviesPerUser,
  });
  return { artifacts: { ...artifacts, knn: new HnswIndex(index, new Set(knnIds)) }, catalogIds };
}

/**
 * Like the production index (src/artifacts/knn-index.ts): asks hnswlib for k + 1, drops the movie itself, and
 * memoises per (movie, k) because the index is immutable and the same catalog movies are asked again and again.
 */
class HnswIndex implements NeighbourIndex {
  private readonly memo = new Map<string, Neighbour[]>();

  constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    private readonly ids: Set<number>,
  ) {}

  has(movieId: number): boolean {
    return this.ids.has(movieId);
  }

  nearest(movieId: number, k: number): Neighbour[] {
    if (!this.ids.has(movieId)) return [];
    const key = `${movieId}:${k}`;
    let found = this.memo.get(key);
    if (!found) {
      found = this.search(movieId, k);
      this.memo.set(key, found);
    }
    return found;
  }

  private search(movieId: number, k: number): Neighbour[] {
    const want = Math.min(k, this.ids.size - 1);
    if (k > this.index.getEf()) this.index.setEf(k);
    const { neighbors, distances } = this.index.searchKnn(this.index.getPoint(movieId), want + 1);
    const found: Neighbour[] = [];
    neighbors.forEach((id, i) => {
      if (id !== movieId) found.push({ movieId: id, distance: distances[i] });
    });
    return found.slice(0, want);
  }
}

function topScored(ids: readonly number[], size: number, random: () => number): Array<[number, number]> {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(size, ids.length)) chosen.add(ids[Math.floor(random() * ids.length)]);
  return [...chosen].map((id): [number, number] => [id, 4 + random()]).sort((a, b) => b[1] - a[1]);
}

function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
