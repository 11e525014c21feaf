/**
 * Artifacts the size of ml-32m (87,585 movies, 200,948 users, the production DNMF shape) for timing the
 * engine at scale without training on 32 million ratings: random DNMF weights (the engine's cost does not
 * depend on their values), heavy-tailed rating counts (so the gem band holds ~10k movies, as on ml-32m),
 * and a kNN stand-in that returns fixed pseudo-random neighbour lists. The stand-in has no search cost, so
 * these numbers time the engine's own work; the real kNN lookup cost (stored lists) is in the real-artifacts rows.
 */
import type { Artifacts, Manifest, MovieInfo, Neighbour, NeighbourIndex } from '../../src/artifacts/types.ts';
import type { DnmfArrays } from '../../src/model/dnmf.ts';
import { fromArrays } from '../../src/model/serving-dnmf.ts';
import { createRng, type Rng } from '../../src/random.ts';

export const SCALE = { movies: 87_585, users: 200_948, gmfDim: 64, mlpDim: 8, mlpLayers: [16, 8] };
const KNN_MIN_RATINGS = 50;

function normals(n: number, scale: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng() + rng() + rng() - 1.5) * scale;
  return out;
}

class StandInIndex implements NeighbourIndex {
  private readonly lists = new Map<number, Neighbour[]>();
  /** A set, as the real index's lookup is: a scan of the ids here cost /movienight up to ~1 ms of its own. */
  private readonly known: Set<number>;
  constructor(
    private readonly ids: number[],
    private readonly seed: number,
  ) {
    this.known = new Set(ids);
  }
  has(movieId: number): boolean {
    return this.known.has(movieId);
  }
  nearest(movieId: number, k: number): Neighbour[] {
    let list = this.lists.get(movieId);
    if (!list || list.length < k) {
      const rng = createRng(this.seed + movieId);
      const chosen = new Set<number>([movieId]);
      const wanted = Math.min(k, this.ids.length - 1);
      while (chosen.size <= wanted) chosen.add(this.ids[Math.floor(rng() * this.ids.length)]);
      chosen.delete(movieId);
      list = [...chosen].map((id, i) => ({ movieId: id, distance: 0.3 + i / (2 * k) }));
      this.lists.set(movieId, list);
    }
    return list.slice(0, k);
  }
}

export function scaleArtifacts(seed = 32): Artifacts {
  const rng = createRng(seed);
  const { movies: movieCount, users, gmfDim, mlpDim, mlpLayers } = SCALE;
  const movies = new Map<number, MovieInfo>();
  for (let rank = 1; rank <= movieCount; rank++) {
    const count = Math.floor(80_000 / rank ** 0.95);
    movies.set(rank, { movieId: rank, title: `Movie ${rank} (2000)`, genres: ['Drama'], count, mean: 3.5 });
  }
  const layers = [];
  let inputs = 2 * mlpDim;
  for (const outputs of mlpLayers) {
    layers.push({
      kernel: normals(inputs * outputs, 0.3, rng),
      bias: normals(outputs, 0.1, rng),
      inputs,
      outputs,
    });
    inputs = outputs;
  }
  const arrays: DnmfArrays = {
    shape: { users, movies: movieCount, gmfDim, mlpDim, mlpLayers },
    globalMean: 3.5,
    userGmf: normals(users * gmfDim, 0.1, rng),
    movieGmf: normals(movieCount * gmfDim, 0.1, rng),
    userMlp: normals(users * mlpDim, 0.1, rng),
    movieMlp: normals(movieCount * mlpDim, 0.1, rng),
    userBias: normals(users, 0.3, rng),
    movieBias: normals(movieCount, 0.3, rng),
    mlp: layers,
    output: {
      kernel: Float32Array.from([...Array(gmfDim).fill(1), ...normals(inputs, 0.1, rng)]),
      bias: new Float32Array(1),
      inputs: gmfDim + inputs,
      outputs: 1,
    },
  };
  const userIds = Array.from({ length: users }, (_, i) => i + 1);
  const movieIds = [...movies.keys()];
  const dnmf = fromArrays(arrays, userIds, movieIds, { gmfPerRow: 10, gmfPerRating: 0.01, userBias: 3 });
  const knnIds = movieIds.filter((id) => movies.get(id)!.count >= KNN_MIN_RATINGS);
  const catalog = movieIds.slice(0, 100).map((movieId, i) => ({
    movieId,
    rank: i + 1,
    count: movies.get(movieId)!.count,
    mean: 3.5,
    wr: 3.5,
  }));
  const counts = { movies: 0, min: 0, p10: 0, median: 0, p90: 0, max: 0 };
  const manifest: Manifest = {
    version: 'scale-synthetic',
    createdAt: new Date(0).toISOString(),
    dataset: { dir: '(synthetic)', checksums: {}, rows: {}, skipped: {} },
    popularity: { minRatings: 50, size: 100, m: 100, C: 3.5, eligible: knnIds.length },
    knn: {
      minRatings: KNN_MIN_RATINGS,
      k: 10,
      listLength: 200,
      movies: knnIds.length,
      dimensions: users,
      recallAt10: 1,
      recallSample: 0,
    },
    dnmf: {
      hyperparameters: {},
      metrics: { validationRmse: 0, bestEpoch: 0, epochs: 0 },
      minCandidateRatings: 10,
    },
    ratingCounts: { hiddenGems: counts, knnNeighbours: counts },
    runtime: { node: process.version, tfjs: 'none', backend: 'none' },
    timingsMs: {},
    files: {},
  };
  // The watch model's unit vectors for every movie with ≥ 10 ratings, as training stores them (random here:
  // the cost of serving depends on the band's size and the width, not on the values).
  const watchIds = Int32Array.from(movieIds.filter((id) => movies.get(id)!.count >= 10)).sort();
  const watchDim = 64;
  const vectors = normals(watchIds.length * watchDim, 1, rng);
  for (let i = 0; i < watchIds.length; i++) {
    const row = vectors.subarray(i * watchDim, (i + 1) * watchDim);
    const norm = Math.hypot(...row);
    for (let k = 0; k < watchDim; k++) row[k] /= norm;
  }
  manifest.watch = { hyperparameters: { dim: watchDim }, movies: watchIds.length };
  // What the taste model's fold-in reads (model/taste-fold-in.ts): each factor's norm and YᵀY over them.
  const norms = Float32Array.from(watchIds, () => 0.2 + rng());
  const gramian = new Float64Array(watchDim * watchDim);
  const factor = new Float64Array(watchDim);
  for (let i = 0; i < watchIds.length; i++) {
    for (let k = 0; k < watchDim; k++) factor[k] = vectors[i * watchDim + k] * norms[i];
    for (let a = 0; a < watchDim; a++)
      for (let b = 0; b <= a; b++) gramian[a * watchDim + b] += factor[a] * factor[b];
  }
  for (let a = 0; a < watchDim; a++)
    for (let b = a + 1; b < watchDim; b++) gramian[a * watchDim + b] = gramian[b * watchDim + a];
  return {
    manifest,
    catalog,
    movies,
    knn: new StandInIndex(knnIds, seed),
    dnmf,
    // Prices all 0: a request subtracts one per band movie whatever its value (train/watch-prices.ts).
    watch: {
      dim: watchDim,
      movieIds: watchIds,
      vectors,
      prices: new Float32Array(watchIds.length),
      foldIn: { norms, gramian, lambda: 10, alpha: 10 },
    },
  };
}
