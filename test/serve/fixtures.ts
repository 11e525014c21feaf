/**
 * Hand-made Artifacts for serving tests: tiny, readable, with a brute-force cosine NeighbourIndex, so every
 * expected value can be checked by hand.
 */
import type {
  Artifacts,
  CatalogEntry,
  Manifest,
  MovieInfo,
  Neighbour,
  NeighbourIndex,
} from '../../src/artifacts/types.ts';
import type { DnmfArrays } from '../../src/model/dnmf.ts';
import { fromArrays, type ServingDnmf, type UserRegularisation } from '../../src/model/serving-dnmf.ts';

export interface MovieSpec {
  movieId: number;
  title?: string;
  genres?: string[];
  count?: number;
  mean?: number;
}

export interface ArtifactsSpec {
  movies: MovieSpec[];
  /** Catalog movie ids, rank 1 first. */
  catalog: number[];
  /** Rating vectors of the movies in the kNN model (movieId → vector). */
  vectors?: Record<number, number[]>;
  /** Weighted-rating prior (m ratings at mean C). */
  popularity?: { m: number; C: number };
  /** The DNMF's movie and user sides; by default every rated movie with a zero vector, and no users. */
  dnmf?: DnmfSpec;
  /** The gem band's bounds (manifest minCandidateRatings and knn.minRatings); default 1 and 50. */
  gemBand?: { minRatings: number; belowRatings: number };
}

export interface DnmfSpec {
  /** movieId → GMF vector (all the same length). Movies left out are not in the model. */
  movies: Record<number, number[]>;
  movieBias?: Record<number, number>;
  users?: Record<number, number[]>;
  userBias?: Record<number, number>;
  globalMean?: number;
  regularisation?: Partial<UserRegularisation>;
}

/**
 * A ServingDnmf whose MLP path is zero (one unit, zero weights), so a prediction is exactly
 * globalMean + user bias + movie bias + user · movie: easy to check by hand.
 */
export function buildDnmf(spec: DnmfSpec): ServingDnmf {
  const movieIds = numericKeys(spec.movies);
  const userIds = numericKeys(spec.users ?? {});
  const gmfDim = [...movieIds.values()][0]?.length ?? 2;
  const flat = (rows: Map<number, number[]>) => Float32Array.from([...rows.values()].flat());
  const biases = (ids: Iterable<number>, record: Record<number, number> = {}) =>
    Float32Array.from([...ids], (id) => record[id] ?? 0);
  const zeros = (n: number) => new Float32Array(n);
  const arrays: DnmfArrays = {
    shape: { users: userIds.size, movies: movieIds.size, gmfDim, mlpDim: 1, mlpLayers: [1] },
    globalMean: spec.globalMean ?? 3.5,
    userGmf: flat(userIds),
    movieGmf: flat(movieIds),
    userMlp: zeros(userIds.size),
    movieMlp: zeros(movieIds.size),
    userBias: biases(userIds.keys(), spec.userBias),
    movieBias: biases(movieIds.keys(), spec.movieBias),
    mlp: [{ kernel: zeros(2), bias: zeros(1), inputs: 2, outputs: 1 }],
    output: {
      kernel: Float32Array.from([...Array(gmfDim).fill(1), 0]),
      bias: zeros(1),
      inputs: gmfDim + 1,
      outputs: 1,
    },
  };
  return fromArrays(arrays, [...userIds.keys()], [...movieIds.keys()], {
    gmfPerRow: 10,
    gmfPerRating: 0.01,
    userBias: 3,
    ...spec.regularisation,
  });
}

export type FixtureArtifacts = Artifacts & { knn: BruteForceIndex };

/**
 * The artifacts with a small watch model (the taste model's MF path), as every servable version has: each
 * rated movie a unit vector at its own angle, no exposure prices (all 0), and the fold-in's Gramian. For
 * tests of what serves a version (ServingModels, the default engine), not of the rankings themselves.
 */
export function withWatchModel<T extends Artifacts>(artifacts: T): T {
  const movieIds = Int32Array.from(
    [...artifacts.movies.values()].filter((movie) => movie.count > 0).map((movie) => movie.movieId),
  ).sort();
  const vectors = new Float32Array(movieIds.length * 2);
  movieIds.forEach((movieId, i) => {
    vectors[2 * i] = Math.cos(movieId);
    vectors[2 * i + 1] = Math.sin(movieId);
  });
  const gramian = new Float64Array(4);
  for (let i = 0; i < movieIds.length; i++)
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++) gramian[a * 2 + b] += vectors[2 * i + a] * vectors[2 * i + b];
  return {
    ...artifacts,
    watch: {
      dim: 2,
      movieIds,
      vectors,
      prices: new Float32Array(movieIds.length),
      foldIn: { norms: new Float32Array(movieIds.length).fill(1), gramian, lambda: 1, alpha: 1 },
    },
  };
}

export function buildArtifacts(spec: ArtifactsSpec): FixtureArtifacts {
  const popularity = spec.popularity ?? { m: 10, C: 3.5 };
  const movies = new Map<number, MovieInfo>(
    spec.movies.map((movie) => [
      movie.movieId,
      {
        movieId: movie.movieId,
        title: movie.title ?? `Movie ${movie.movieId} (2000)`,
        genres: movie.genres ?? ['Drama'],
        count: movie.count ?? 60,
        mean: movie.mean ?? 3.5,
      },
    ]),
  );
  const catalog: CatalogEntry[] = spec.catalog.map((movieId, index) => {
    const movie = movies.get(movieId);
    if (!movie) throw new Error(`catalog movie ${movieId} is not in movies`);
    const wr = (movie.count * movie.mean + popularity.m * popularity.C) / (movie.count + popularity.m);
    return { movieId, rank: index + 1, count: movie.count, mean: movie.mean, wr };
  });
  const band = spec.gemBand ?? { minRatings: 1, belowRatings: 50 };
  const rated = [...movies.values()].filter((movie) => movie.count > 0).map((movie) => movie.movieId);
  const dnmf = buildDnmf(spec.dnmf ?? { movies: Object.fromEntries(rated.map((id) => [id, [0, 0]])) });
  return {
    manifest: manifest(popularity, band),
    catalog,
    movies,
    knn: new BruteForceIndex(numericKeys(spec.vectors ?? {})),
    dnmf,
  };
}

/** Exact nearest neighbours by cosine distance over all vectors; records every call for widening tests. */
export class BruteForceIndex implements NeighbourIndex {
  readonly calls: Array<{ movieId: number; k: number }> = [];
  private readonly sorted = new Map<number, Neighbour[]>();

  constructor(private readonly vectors: Map<number, number[]>) {
    for (const [movieId, vector] of vectors) {
      const others = [...vectors]
        .filter(([otherId]) => otherId !== movieId)
        .map(([otherId, other]) => ({ movieId: otherId, distance: 1 - cosineSimilarity(vector, other) }));
      others.sort((a, b) => a.distance - b.distance || a.movieId - b.movieId);
      this.sorted.set(movieId, others);
    }
  }

  has(movieId: number): boolean {
    return this.vectors.has(movieId);
  }

  nearest(movieId: number, k: number): Neighbour[] {
    this.calls.push({ movieId, k });
    return (this.sorted.get(movieId) ?? []).slice(0, k);
  }

  /** The distance the index reports between two kNN movies (for checking reasons). */
  distance(a: number, b: number): number | undefined {
    return this.sorted.get(a)?.find((neighbour) => neighbour.movieId === b)?.distance;
  }
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** Vector at `degrees` on the unit circle: cosine similarity between two is cos(Δangle). */
export function atAngle(degrees: number): number[] {
  const radians = (degrees * Math.PI) / 180;
  return [Math.cos(radians), Math.sin(radians)];
}

const NO_COUNTS = { movies: 0, min: 0, p10: 0, median: 0, p90: 0, max: 0 };

function manifest(
  popularity: { m: number; C: number },
  band: { minRatings: number; belowRatings: number },
): Manifest {
  return {
    version: 'test',
    createdAt: '2024-01-01T00:00:00.000Z',
    dataset: { dir: 'test', checksums: {}, rows: {}, skipped: {} },
    popularity: { minRatings: 1, size: 100, m: popularity.m, C: popularity.C, eligible: 0 },
    knn: {
      minRatings: band.belowRatings,
      k: 10,
      listLength: 200,
      movies: 0,
      dimensions: 0,
      recallAt10: 1,
      recallSample: 0,
    },
    ratingCounts: { hiddenGems: NO_COUNTS, knnNeighbours: NO_COUNTS },
    dnmf: {
      hyperparameters: {},
      metrics: { validationRmse: 0, bestEpoch: 0, epochs: 0 },
      minCandidateRatings: band.minRatings,
    },
    runtime: { node: process.version, tfjs: 'none', backend: 'none' },
    timingsMs: {},
    files: {},
  };
}

function numericKeys<T>(record: Record<number, T>): Map<number, T> {
  return new Map(Object.entries(record).map(([key, value]) => [Number(key), value]));
}

// ---------------------------------------------------------------------------------------------------------
// The hand fixture: catalog 1–5, picks 1, 2, 3.
//
// kNN (3 users, so cosines are round numbers):
//   picks 1 [1,0,0], 2 [0,1,0], 3 [0,0,1]; catalog 4 [1,1,0], 5 [0,1,1] (near the picks, must never show);
//   exactly five other kNN movies 11–15, so "popular picks" is always exactly {11…15}.
// Less-known movies 21–25 (20 ratings) are in neither model; 31–45 are what a fallback would use.
// ---------------------------------------------------------------------------------------------------------

export const HAND_PICKS = [1, 2, 3] as const;

/** Cosine similarity of each pick with each kNN movie, computed by hand from the vectors below. */
export const HAND_SIMILARITY: Record<number, Record<number, number>> = {
  1: { 11: 0.8, 12: 0.6, 13: 0, 14: 2 / 3, 15: 0 },
  2: { 11: 0.6, 12: 0, 13: 0.8, 14: 2 / 3, 15: 0.6 },
  3: { 11: 0, 12: 0.8, 13: 0.6, 14: 1 / 3, 15: 0.8 },
};

export function handArtifacts(): FixtureArtifacts {
  return buildArtifacts({
    movies: [
      { movieId: 1, title: 'Matrix, The (1999)', genres: ['Action', 'Sci-Fi', 'Thriller'], count: 278 },
      {
        movieId: 2,
        title: "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)",
        genres: ['Comedy', 'Romance'],
      },
      { movieId: 3, title: 'Shawshank Redemption, The (1994)', genres: ['Crime', 'Drama'], count: 317 },
      { movieId: 4, title: 'Star Wars: Episode IV - A New Hope (1977)', genres: ['Action', 'Sci-Fi'] },
      { movieId: 5, title: 'Pulp Fiction (1994)', genres: ['Comedy', 'Crime'] },
      ...range(11, 15).map((movieId) => ({ movieId, count: 80 })),
      ...range(21, 25).map((movieId) => ({ movieId, count: 20 })),
      // Popular outside the catalog but in neither model's answer: what a fallback would use.
      ...range(31, 45).map((movieId) => ({ movieId, count: 100 + movieId, mean: 4 })),
    ],
    catalog: [1, 2, 3, 4, 5],
    vectors: {
      1: [1, 0, 0],
      2: [0, 1, 0],
      3: [0, 0, 1],
      4: [1, 1, 0],
      5: [0, 1, 1],
      11: [4, 3, 0],
      12: [3, 0, 4],
      13: [0, 4, 3],
      14: [2, 2, 1],
      15: [0, 3, 4],
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// The sparse fixture: everything runs short, so the engine must widen and then fall back.
//
// Catalog 1–15. Pick 1 is in kNN; picks 2 and 3 have too few ratings for kNN and no DNMF rows.
// kNN on the unit circle: pick 1 at 0°, catalog 4–15 at 1°…12° (its 12 nearest neighbours), non-catalog
//   41–47 at 20°…26° (neighbours 13–19), so 10 neighbours give nothing and 20 give seven.
// 51 and 52 (5 ratings) are in neither model.
// Fallback: 61–75 rate far above everything else outside the catalog.
// ---------------------------------------------------------------------------------------------------------

export const SPARSE_PICKS = [1, 2, 3] as const;
export const SPARSE_KNN_IDS = range(41, 47);
export const SPARSE_FALLBACK_IDS = range(61, 75);

export function sparseArtifacts(): FixtureArtifacts {
  return buildArtifacts({
    movies: [
      ...range(1, 15).map((movieId) => ({
        movieId,
        count: movieId <= 3 && movieId > 1 ? 20 : 200,
        mean: 4.2,
      })),
      ...SPARSE_KNN_IDS.map((movieId) => ({ movieId, count: 55, mean: 3 })),
      { movieId: 51, count: 5, mean: 3 },
      { movieId: 52, count: 5, mean: 3 },
      ...SPARSE_FALLBACK_IDS.map((movieId) => ({ movieId, count: 150, mean: 4.4 })),
    ],
    catalog: range(1, 15),
    vectors: Object.fromEntries([
      [1, atAngle(0)],
      ...range(4, 15).map((movieId) => [movieId, atAngle(movieId - 3)]),
      ...SPARSE_KNN_IDS.map((movieId) => [movieId, atAngle(movieId - 21)]),
    ]),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Random fixtures for property tests: 20 catalog movies, 80 others, 30 users, seeded.
// ---------------------------------------------------------------------------------------------------------

export const RANDOM_CATALOG = range(1, 20);

export function randomArtifacts(seed: number): FixtureArtifacts {
  const random = lcg(seed);
  const userIds = range(1001, 1030);
  const movieIds = range(1, 100);
  const counts = new Map(
    movieIds.map((movieId) => [movieId, movieId <= 20 ? 150 : Math.floor(random() * 120)]),
  );
  // Latent tastes: predicted ratings and rating vectors both come from them, so the models roughly agree.
  const userTaste = new Map(userIds.map((userId) => [userId, [random() - 0.5, random() - 0.5]]));
  const movieTaste = new Map(movieIds.map((movieId) => [movieId, [random() - 0.5, random() - 0.5]]));
  const predicted = (userId: number, movieId: number) => {
    const [a, b] = userTaste.get(userId)!;
    const [c, d] = movieTaste.get(movieId)!;
    return Math.min(5, 3.5 + 4 * (a * c + b * d) + random() * 0.5);
  };
  const vectors: Record<number, number[]> = {};
  for (const movieId of movieIds) {
    if (counts.get(movieId)! < 50) continue;
    vectors[movieId] = userIds.map((userId) => (random() < 0.6 ? Math.round(predicted(userId, movieId)) : 0));
  }
  return buildArtifacts({
    movies: movieIds.map((movieId) => ({
      movieId,
      count: counts.get(movieId)!,
      mean: 2.5 + random() * 2,
    })),
    catalog: RANDOM_CATALOG,
    vectors,
    dnmf: {
      movies: Object.fromEntries(
        movieIds.map((movieId) => [movieId, movieTaste.get(movieId)!.map((x) => 2 * x)]),
      ),
      users: Object.fromEntries(userIds.map((userId) => [userId, userTaste.get(userId)!.map((x) => 2 * x)])),
    },
  });
}

export function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

/** Fixture-only PRNG, independent of the engine's, so fixtures do not change when the engine's RNG does. */
function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// ---------------------------------------------------------------------------------------------------------
// The search fixture: a 100-movie catalog of real MovieLens titles (ids as in ml-latest-small where they
// exist) in rank order, padded with "Filler Movie N (2000)", plus one popular movie outside the catalog.
// ---------------------------------------------------------------------------------------------------------

export const SEARCH_TITLES: Array<[number, string, string[]]> = [
  [318, 'Shawshank Redemption, The (1994)', ['Crime', 'Drama']],
  [858, 'Godfather, The (1972)', ['Crime', 'Drama']],
  [260, 'Star Wars: Episode IV - A New Hope (1977)', ['Action', 'Adventure', 'Sci-Fi']],
  [2571, 'Matrix, The (1999)', ['Action', 'Sci-Fi', 'Thriller']],
  [4993, 'Lord of the Rings: The Fellowship of the Ring, The (2001)', ['Adventure', 'Fantasy']],
  [1196, 'Star Wars: Episode V - The Empire Strikes Back (1980)', ['Action', 'Adventure', 'Sci-Fi']],
  [4973, "Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)", ['Comedy', 'Romance']],
  [5952, 'Lord of the Rings: The Two Towers, The (2002)', ['Adventure', 'Fantasy']],
  [
    7153,
    'Lord of the Rings: The Return of the King, The (2003)',
    ['Action', 'Adventure', 'Drama', 'Fantasy'],
  ],
  [1210, 'Star Wars: Episode VI - Return of the Jedi (1983)', ['Action', 'Adventure', 'Sci-Fi']],
  [1221, 'Godfather: Part II, The (1974)', ['Crime', 'Drama']],
  [527, "Schindler's List (1993)", ['Drama', 'War']],
  [5349, 'Spider-Man (2002)', ['Action', 'Adventure', 'Sci-Fi', 'Thriller']],
  [
    293,
    'Léon: The Professional (a.k.a. The Professional) (Léon) (1994)',
    ['Action', 'Crime', 'Drama', 'Thriller'],
  ],
  [47, 'Seven (a.k.a. Se7en) (1995)', ['Mystery', 'Thriller']],
  [1214, 'Alien (1979)', ['Horror', 'Sci-Fi']],
  [1200, 'Aliens (1986)', ['Action', 'Adventure', 'Horror', 'Sci-Fi']],
  [2997, 'Being John Malkovich (1999)', ['Comedy', 'Drama', 'Fantasy']],
  [6365, 'Matrix Reloaded, The (2003)', ['Action', 'Adventure', 'Sci-Fi', 'Thriller', 'IMAX']],
  [73, 'Misérables, Les (1995)', ['Drama', 'War']],
  [1411, 'Hamlet (1996)', ['Crime', 'Drama', 'Romance']],
  [3598, 'Hamlet (2000)', ['Drama']],
  [750, 'Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1964)', ['Comedy', 'War']],
  [
    9001,
    'Night of the Day of the Dawn of the Son of the Bride of the Return of the Revenge of the Terror of the Attack of the Evil, Mutant, Hellbound, Flesh-Eating Subhumanoid Zombified Living Dead, Part 2 (1992)',
    ['Comedy', 'Horror'],
  ],
  [296, 'Pulp Fiction (1994)', ['Comedy', 'Crime', 'Drama', 'Thriller']],
  [8798, 'Man on Fire (2004)', ['Action', 'Crime', 'Drama', 'Mystery', 'Thriller']],
  [72171, 'Human Centipede, The (First Sequence) (2009)', ['Horror']],
];
export const FILLER_COUNT = 100 - SEARCH_TITLES.length;
export const fillerId = (n: number) => 100_000 + n;
/** In movies.csv but not in the catalog: must never be offered or resolved. */
export const NON_CATALOG_MOVIE = {
  movieId: 2959,
  title: 'Fight Club (1999)',
  genres: ['Action', 'Crime', 'Western'],
};

export function searchArtifacts(): FixtureArtifacts {
  const fillers = range(1, FILLER_COUNT).map((n): [number, string, string[]] => [
    fillerId(n),
    `Filler Movie ${n} (2000)`,
    ['(no genres listed)'],
  ]);
  const catalogMovies = [...SEARCH_TITLES, ...fillers];
  return buildArtifacts({
    movies: [
      ...catalogMovies.map(([movieId, title, genres]) => ({ movieId, title, genres })),
      NON_CATALOG_MOVIE,
    ],
    catalog: catalogMovies.map(([movieId]) => movieId),
  });
}
