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
import type { Artifacts } from '../artifacts/types.ts';
import { factorOf, foldInTaste, type FoldableWatch } from '../model/taste-fold-in.ts';
import { gramian } from '../model/gramian.ts';
import { TopK } from '../model/top-k.ts';

export interface WatchFactors {
  dim: number;
  movieIds: Int32Array;
  /**
   * The factors as the fold-in reads them (y_i = unit vector × norm): the version's own MF path when it stores
   * the fold-in; else its unit vectors with norms 1, YᵀY over them and the manifest's λ and α.
   */
  watch: FoldableWatch;
  lambda: number;
  alpha: number;
  /** True when the factors are the unit-length serving vectors, not the fitted ones. */
  normalised: boolean;
}

/**
 * The watch model's movie factors of a version: the fitted ones when it stores what the fold-in needs
 * (`watch.foldIn`: each factor's norm, YᵀY, λ, α), else the unit vectors with the manifest's λ and α.
 */
export function watchFactorsOf(artifacts: Pick<Artifacts, 'watch' | 'manifest'>): WatchFactors {
  const watch = artifacts.watch;
  if (!watch)
    throw new Error(`version ${artifacts.manifest.version} has no watch model to fold members into`);
  const stored = watch.foldIn;
  if (stored) {
    return {
      dim: watch.dim,
      movieIds: watch.movieIds,
      watch: { ...watch, foldIn: stored },
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
  return { ...unitFactors(watch.dim, watch.movieIds, watch.vectors, lambda, alpha), normalised: true };
}

/** Factors given as they are (norms 1, YᵀY over them): a version's unit vectors, or a test's own factors. */
export function unitFactors(
  dim: number,
  movieIds: Int32Array,
  factors: Float32Array,
  lambda: number,
  alpha: number,
): WatchFactors {
  const gram = gramian(factors, movieIds.length, dim);
  const norms = new Float32Array(movieIds.length).fill(1);
  const watch = { dim, movieIds, vectors: factors, foldIn: { norms, gramian: gram, lambda, alpha } };
  return { dim, movieIds, watch, lambda, alpha, normalised: false };
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

/** The plain fold-in: serving's own solve (model/taste-fold-in.ts), stars ignored, scored by x · y_m. */
export function createWatchFoldIn(model: WatchFactors): WatchFoldIn {
  const { dim: d, watch } = model;
  const row = new Map<number, number>();
  model.movieIds.forEach((movieId, i) => row.set(movieId, i));
  const y = new Float64Array(d);

  return {
    normalised: model.normalised,
    has: (movieId) => row.has(movieId),
    score(rated, candidates) {
      const known = [...new Set(rated)].flatMap((movieId) => {
        const r = row.get(movieId);
        return r === undefined ? [] : [{ row: r, movieId, rating: 0 }];
      });
      const x = foldInTaste(watch, known)?.x;
      return Float64Array.from(candidates, (movieId) => {
        const r = row.get(movieId);
        if (r === undefined) return NaN;
        if (!x) return 0;
        factorOf(watch, r, y);
        let sum = 0;
        for (let k = 0; k < d; k++) sum += x[k] * y[k];
        return sum;
      });
    },
  };
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
