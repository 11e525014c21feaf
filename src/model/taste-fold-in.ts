/**
 * The MF path's exact fold-in: a member (or each member of a group) is one d × d solve against the watch
 * model's fixed movie factors, the same system a training sweep solves for a trained user (implicit's
 * `recalculate_user`): (YᵀY + Σ_{i∈u} (c_i − 1) y_i y_iᵀ + λI) x_u = Σ_{i∈u} c_i y_i, with p_i = 1 for every
 * movie the member rated and c_i = 1 + α. No retraining; every member with one known movie gets a vector.
 *
 * Because x_u = A⁻¹ Σ c_i y_i, a movie's score x_u · y_m splits exactly into one share per rated movie,
 * c_i · y_i · (A⁻¹ y_m): what a card names as the movies that led to it.
 */
import type { WatchFoldIn, WatchVectors } from './types.ts';
import { choleskyInPlace, solveCholesky } from './cholesky.ts';
import { addOuterProducts } from './simd-kernels.ts';

export interface FoldedTaste {
  /** The member's vector x_u. */
  x: Float64Array;
  /** The watch rows of the rated movies the model knows, with their movie ids and stars. */
  rows: Int32Array;
  movieIds: Int32Array;
  ratings: Float64Array;
  /**
   * Cholesky factor of A (for each rated movie's share of a score). Computed again on first read: only the
   * few members whose cards name their movies need it, and a 64 × 64 array per member per request (with
   * the collections it brought) cost about as much as the solve itself.
   */
  readonly factor: Float64Array;
}

export type FoldableWatch = WatchVectors & { foldIn: WatchFoldIn };

/** Reads row r's fitted factor y_r (unit vector × norm) into out. */
export function factorOf(watch: FoldableWatch, row: number, out: Float64Array): Float64Array {
  const d = watch.dim;
  const norm = watch.foldIn.norms[row];
  for (let k = 0; k < d; k++) out[k] = watch.vectors[row * d + k] * norm;
  return out;
}

/** The rated movies' factors and the system during a fold-in: reused, not allocated per member. */
let scratch: Float64Array = new Float64Array(0);
const scratchFor = (length: number): Float64Array =>
  (scratch = scratch.length >= length ? scratch : new Float64Array(Math.max(length, 2 * scratch.length)));
let system = new Float64Array(0);

/**
 * Factors A = YᵀY + λI + α Σ y_i y_iᵀ over the rated rows into `a` (d × d, Cholesky, lower triangle), and
 * returns b = (1 + α) Σ y_i.
 */
function factorSystem(watch: FoldableWatch, rows: Int32Array, a: Float64Array): Float64Array {
  const d = watch.dim;
  const { gramian, lambda, alpha } = watch.foldIn;
  a.set(gramian);
  for (let k = 0; k < d; k++) a[k * d + k] += lambda;
  const b = new Float64Array(d);
  const n = rows.length;
  const factors = scratchFor(n * d);
  const { vectors, foldIn } = watch;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    // y_i = the unit vector × its norm (factorOf), then its share of b.
    const norm = foldIn.norms[row];
    for (let k = 0; k < d; k++) factors[i * d + k] = vectors[row * d + k] * norm;
    for (let r = 0; r < d; r++) b[r] += (1 + alpha) * factors[i * d + r];
  }
  // Σ α y_i y_iᵀ, lower triangle only (the factorisation reads no more): most of a fold-in's cost.
  addOuterProducts(a, factors, n, d, alpha, false);
  choleskyInPlace(a, d);
  return b;
}

/**
 * Folds in the rated movies (rows of the watch model; movies it does not know are left out by the caller).
 * Undefined when none is known.
 */
export function foldInTaste(
  watch: FoldableWatch,
  rated: ReadonlyArray<{ row: number; movieId: number; rating: number }>,
): FoldedTaste | undefined {
  if (rated.length === 0) return undefined;
  const d = watch.dim;
  const n = rated.length;
  const rows = new Int32Array(n);
  const movieIds = new Int32Array(n);
  const ratings = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    rows[i] = rated[i].row;
    movieIds[i] = rated[i].movieId;
    ratings[i] = rated[i].rating;
  }
  if (system.length !== d * d) system = new Float64Array(d * d);
  const x = solveCholesky(system, factorSystem(watch, rows, system), d);
  let factor: Float64Array | undefined;
  return {
    x,
    rows,
    movieIds,
    ratings,
    get factor() {
      // The same arithmetic again, so the same factor as the solve used.
      if (!factor) factorSystem(watch, rows, (factor = new Float64Array(d * d)));
      return factor;
    },
  };
}

/** Each rated movie's share of x_u · y_m (they sum to it), aligned with folded.rows. */
export function sharesOf(watch: FoldableWatch, folded: FoldedTaste, row: number): Float64Array {
  const d = watch.dim;
  const w = solveCholesky(folded.factor, factorOf(watch, row, new Float64Array(d)), d);
  const y = new Float64Array(d);
  return Float64Array.from(folded.rows, (rated) => {
    factorOf(watch, rated, y);
    let dot = 0;
    for (let k = 0; k < d; k++) dot += y[k] * w[k];
    return (1 + watch.foldIn.alpha) * dot;
  });
}
