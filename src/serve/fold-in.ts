/**
 * Folding a user the model has never seen (a member, or the three picks of /recommend as one pseudo-user)
 * into the trained DNMF at request time, against its fixed movie side.
 *
 * Fitted: the GMF user vector p and the user bias b, by ridge regression with the model's own penalties —
 * minimise Σ (r_i − r̂_i)² + (λ_row + n·λ_rating)·‖p‖² + λ_bias·b², exactly the terms a trained user row
 * pays per epoch (see DnmfOptions). With the movie side fixed, r̂ is linear in (p, b), so this is one small
 * linear solve: n × n for n ≤ gmfDim ratings, (gmfDim + 1)² otherwise (the same solution either way).
 *
 * Not fitted: the MLP user embedding. The MLP path is nonlinear in it (ELU layers), so fitting it would
 * need an iterative optimiser per request; on the default model it adds nothing measurable to RMSE (see
 * src/train/dnmf/options.ts). The folded-in user gets the mean trained MLP user embedding, so its MLP term
 * is a per-movie constant (ServingDnmf.meanUserMlpPath), taken as known in the regression.
 *
 * Because the penalty on p is isotropic, p = Σ_i α_i·x_i with x_i the i-th rated movie's GMF features and
 * α_i = residual_i / λ_p: the predicted lift of any movie splits exactly into one share per rated movie,
 * which is what the reasons on the cards report.
 */
import type { UserVector } from '../model/dnmf.ts';
import type { ServingDnmf } from '../model/serving-dnmf.ts';
import { solveSymmetric } from '../model/cholesky.ts';
import { addOuterProducts, gramLower } from '../model/simd-kernels.ts';

export interface RowRating {
  /** The movie's DNMF row. */
  row: number;
  rating: number;
}

export interface FoldedUser extends UserVector {
  /** The ratings fitted, in input order. */
  rated: readonly RowRating[];
  /** α_i of each rated movie: its share of p (see above). */
  shares: Float64Array;
}

/**
 * Arrays a fold-in needs only while it runs, reused (grown when a member has more ratings): at ml-32m size
 * fresh ones per member per request were most of a request's garbage.
 */
const scratch: { features: Float64Array; rows: Float64Array; system: Float64Array } = {
  features: new Float64Array(0),
  rows: new Float64Array(0),
  system: new Float64Array(0),
};
const reuse = (array: Float64Array, length: number): Float64Array =>
  array.length >= length ? array : new Float64Array(Math.max(length, 2 * array.length));

export function foldIn(dnmf: ServingDnmf, rated: readonly RowRating[]): FoldedUser {
  const { scorer, regularisation } = dnmf;
  const g = scorer.gmfDim;
  const n = rated.length;
  const lambdaP = regularisation.gmfPerRow + n * regularisation.gmfPerRating;
  // A zero penalty would make a user with few ratings singular; the model's defaults are far above this.
  const lambdaVector = Math.max(lambdaP, 1e-6);
  const lambdaBias = Math.max(regularisation.userBias, 1e-6);
  const w = scorer.gmfOutputWeights;
  const features = (scratch.features = reuse(scratch.features, n * g));
  const targets = new Float64Array(n);
  rated.forEach(({ row, rating }, i) => {
    const offset = row * g;
    for (let k = 0; k < g; k++) features[i * g + k] = w[k] * scorer.movieGmf[offset + k];
    targets[i] =
      rating - scorer.globalMean - scorer.movieBias[row] - scorer.outputBias - dnmf.meanUserMlpPath[row];
  });
  const problem: Ridge = { x: features, y: targets, n, g, lambdaP: lambdaVector, lambdaB: lambdaBias };
  const { p, bias, residuals } = n <= g ? solveDual(problem) : solvePrimal(problem);
  const shares = new Float64Array(n);
  for (let i = 0; i < n; i++) shares[i] = residuals[i] / lambdaVector;
  // The GMF path dots gmfWeighted with the movie's raw GMF row, so p is stored times the output weights.
  const gmfWeighted = new Float32Array(g);
  for (let k = 0; k < g; k++) gmfWeighted[k] = p[k] * w[k];
  return { gmfWeighted, first: dnmf.meanUserFirst, bias, rated, shares };
}

/** n ratings' features x (n × g, row-major) and targets y, with the two penalties. */
interface Ridge {
  x: Float64Array;
  y: Float64Array;
  n: number;
  g: number;
  lambdaP: number;
  lambdaB: number;
}

interface Solution {
  p: Float64Array;
  bias: number;
  /** y_i − (p·x_i + b) at the optimum. */
  residuals: Float64Array;
}

/**
 * Few ratings (n ≤ gmfDim, e.g. /recommend's three picks): the same ridge solution through the n × n
 * system. With z_i = (x_i, 1) and Λ = diag(λ_p, …, λ_p, λ_b), θ = Λ⁻¹Zᵀβ where (ZΛ⁻¹Zᵀ + I)·β = y, and
 * the residuals are β itself.
 */
function solveDual({ x, y, n, g, lambdaP, lambdaB }: Ridge): Solution {
  const a = (scratch.system = reuse(scratch.system, n * n)).subarray(0, n * n).fill(0);
  // x_i · x_j for j ≤ i (the kernel; most of a fold-in's cost), then the penalties.
  gramLower(x, n, g, a);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) a[i * n + j] = a[i * n + j] / lambdaP + 1 / lambdaB + (i === j ? 1 : 0);
  }
  const beta = solveSymmetric(a, Float64Array.from(y), n);
  const p = new Float64Array(g);
  let bias = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < g; k++) p[k] += (x[i * g + k] * beta[i]) / lambdaP;
    bias += beta[i] / lambdaB;
  }
  return { p, bias, residuals: beta };
}

/** Many ratings: the (gmfDim + 1)² normal equations (XᵀX + Λ)·θ = Xᵀy, θ = (p, b). */
function solvePrimal({ x, y, n, g, lambdaP, lambdaB }: Ridge): Solution {
  const size = g + 1;
  const a = (scratch.system = reuse(scratch.system, size * size)).subarray(0, size * size).fill(0);
  const rhs = new Float64Array(size);
  const z = (scratch.rows = reuse(scratch.rows, n * size));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < g; k++) z[i * size + k] = x[i * g + k];
    z[i * size + g] = 1;
    for (let r = 0; r < size; r++) {
      const zr = z[i * size + r];
      if (zr !== 0) rhs[r] += zr * y[i];
    }
  }
  // ZᵀZ, lower triangle only (the factorisation reads no more): most of a fold-in's cost. The plain loop
  // skipped zero entries; adding their ±0 products instead changes no sum that starts at +0.
  addOuterProducts(a, z, n, size, 1, false);
  for (let k = 0; k < g; k++) a[k * size + k] += lambdaP;
  a[g * size + g] += lambdaB;
  const theta = solveSymmetric(a, rhs, size);
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let fitted = theta[g];
    for (let k = 0; k < g; k++) fitted += x[i * g + k] * theta[k];
    residuals[i] = y[i] - fitted;
  }
  return { p: theta.subarray(0, g), bias: theta[g], residuals };
}
