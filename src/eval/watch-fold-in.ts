/**
 * The baseline issue 14 asks the gems to beat: the MF path's plain fold-in. A member is one implicit-ALS
 * solve against the watch model's fixed movie factors Y (Hu, Koren & Volinsky 2008, the objective
 * train/watch-model.ts minimises): x = (YᵀY + λI + α Σ_{m∈S} y_m y_mᵀ)⁻¹ (1 + α) Σ_{m∈S} y_m for the
 * set S of movies the member rated, stars ignored; a movie's score is x·y_m.
 *
 * A version that stores what the fold-in needs (`watch.foldIn`: each fitted factor's norm, YᵀY, λ, α) gets the
 * exact solve. Older versions store only the factors normalised to unit length (a dot product is a cosine):
 * then the solve runs on the unit vectors with the manifest's λ and α, and `normalised: true` says so in
 * every report: a fold-in of the same geometry, not the exact one.
 */
import type { Artifacts, WatchVectors } from '../artifacts/types.ts';
import { solveSymmetric } from '../model/cholesky.ts';
import { TopK } from '../model/top-k.ts';

export interface WatchFactors {
  dim: number;
  movieIds: Int32Array;
  /** Row i belongs to movieIds[i]. */
  factors: Float32Array | Float64Array;
  lambda: number;
  alpha: number;
  /** YᵀY when the version stores it (over every fitted factor); computed from `factors` otherwise. */
  gramian?: Float64Array;
  /** True when the factors are the unit-length serving vectors, not the fitted ones. */
  normalised: boolean;
}

/** What a version may store for the exact fold-in (the taste model's `watch.foldIn`), read structurally. */
interface StoredFoldIn {
  norms: Float32Array;
  gramian: Float64Array;
  lambda: number;
  alpha: number;
}

/**
 * The watch model's movie factors of a version: the fitted ones when it stores what the fold-in needs
 * (`watch.foldIn`: each factor's norm, YᵀY, λ, α), else the unit vectors with the manifest's λ and α.
 */
export function watchFactorsOf(artifacts: Pick<Artifacts, 'watch' | 'manifest'>): WatchFactors {
  const watch = artifacts.watch as (WatchVectors & { foldIn?: StoredFoldIn }) | undefined;
  if (!watch)
    throw new Error(`version ${artifacts.manifest.version} has no watch model to fold members into`);
  const stored = watch.foldIn;
  if (stored) {
    const d = watch.dim;
    const factors = new Float64Array(watch.vectors.length);
    for (let i = 0; i < watch.movieIds.length; i++)
      for (let k = 0; k < d; k++) factors[i * d + k] = watch.vectors[i * d + k] * stored.norms[i];
    return {
      dim: d,
      movieIds: watch.movieIds,
      factors,
      gramian: stored.gramian,
      lambda: stored.lambda,
      alpha: stored.alpha,
      normalised: false,
    };
  }
  const hyper = artifacts.manifest.watch?.hyperparameters ?? {};
  const lambda = hyper.lambda;
  const alpha = hyper.alpha;
  if (!(lambda > 0) || !(alpha > 0))
    throw new Error(`version ${artifacts.manifest.version} records no watch-model lambda and alpha`);
  return {
    dim: watch.dim,
    movieIds: watch.movieIds,
    factors: watch.vectors,
    lambda,
    alpha,
    normalised: true,
  };
}

export interface WatchFoldIn {
  readonly normalised: boolean;
  /** Whether the model has factors for the movie. */
  has(movieId: number): boolean;
  /**
   * The member's scores for `candidates` (NaN for a movie without factors), from the set of movies they
   * rated (movies without factors are ignored; no known movie → every score 0).
   */
  score(rated: Iterable<number>, candidates: readonly number[]): Float64Array;
}

export function createWatchFoldIn(model: WatchFactors): WatchFoldIn {
  const d = model.dim;
  const row = new Map<number, number>();
  model.movieIds.forEach((movieId, i) => row.set(movieId, i));
  // YᵀY once: the all-pairs part of every member's system.
  const y = model.factors;
  const gram = model.gramian ? Float64Array.from(model.gramian) : gramianOf(y, model.movieIds.length, d);

  function memberVector(rated: Iterable<number>): Float64Array | undefined {
    const rows = [...new Set(rated)].flatMap((movieId) => {
      const r = row.get(movieId);
      return r === undefined ? [] : [r];
    });
    if (rows.length === 0) return undefined;
    const system = Float64Array.from(gram);
    for (let a = 0; a < d; a++) system[a * d + a] += model.lambda;
    const rhs = new Float64Array(d);
    for (const r of rows) {
      const o = r * d;
      for (let a = 0; a < d; a++) {
        rhs[a] += (1 + model.alpha) * y[o + a];
        const ya = model.alpha * y[o + a];
        for (let b = 0; b < d; b++) system[a * d + b] += ya * y[o + b];
      }
    }
    return solveSymmetric(system, rhs, d);
  }

  return {
    normalised: model.normalised,
    has: (movieId) => row.has(movieId),
    score(rated, candidates) {
      const x = memberVector(rated);
      return Float64Array.from(candidates, (movieId) => {
        const r = row.get(movieId);
        if (r === undefined) return NaN;
        if (!x) return 0;
        let sum = 0;
        for (let k = 0; k < d; k++) sum += x[k] * y[r * d + k];
        return sum;
      });
    },
  };
}

/** VᵀV of `rows` rows of d columns. */
function gramianOf(v: Float32Array | Float64Array, rows: number, d: number): Float64Array {
  const gram = new Float64Array(d * d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let a = 0; a < d; a++) {
      const va = v[o + a];
      if (va === 0) continue;
      for (let b = a; b < d; b++) gram[a * d + b] += va * v[o + b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) gram[a * d + b] = gram[b * d + a];
  return gram;
}

/** The k best-scored candidates (ties: the lower movie id), skipping excluded movies and NaN scores. */
export function topScored(
  candidates: readonly number[],
  scores: Float64Array,
  k: number,
  exclude: (movieId: number) => boolean,
): number[] {
  const best = new TopK(k);
  candidates.forEach((movieId, i) => {
    if (best.admits(movieId, scores[i]) && !exclude(movieId)) best.offer(movieId, scores[i]);
  });
  return best.best();
}
