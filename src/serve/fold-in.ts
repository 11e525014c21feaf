/**
 * Folding a user the model has never seen (a member, or the three picks of /recommend as one pseudo-user)
 * into the trained DNMF at request time, against its fixed movie side.
 *
 * Fitted: the GMF user vector p and the user bias b, by ridge regression with the model's own penalties —
 * minimise Σ (r_i − r̂_i)² + (λ_row + n·λ_rating)·‖p‖² + λ_bias·b², exactly the terms a trained user row
 * pays per epoch (see DnmfOptions). With the movie side fixed, r̂ is linear in (p, b), so this is one small
 * (gmfDim + 1)² linear solve.
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
import type { UserVector } from '../artifacts/dnmf.ts';
import type { ServingDnmf } from '../artifacts/serving-dnmf.ts';

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

export function foldIn(dnmf: ServingDnmf, rated: readonly RowRating[]): FoldedUser {
  const { scorer, regularisation } = dnmf;
  const g = scorer.gmfDim;
  const n = rated.length;
  const size = g + 1;
  const lambdaP = regularisation.gmfPerRow + n * regularisation.gmfPerRating;
  // A zero penalty would make a user with few ratings singular; the model's defaults are far above this.
  const lambdaVector = Math.max(lambdaP, 1e-6);
  const lambdaBias = Math.max(regularisation.userBias, 1e-6);
  const w = scorer.gmfOutputWeights;
  const features = new Float64Array(n * size);
  const targets = new Float64Array(n);
  rated.forEach(({ row, rating }, i) => {
    const offset = row * g;
    for (let k = 0; k < g; k++) features[i * size + k] = w[k] * scorer.movieGmf[offset + k];
    features[i * size + g] = 1;
    targets[i] =
      rating - scorer.globalMean - scorer.movieBias[row] - scorer.outputBias - dnmf.meanUserMlpPath[row];
  });

  // Normal equations (XᵀX + Λ) θ = Xᵀy, θ = (p, b).
  const a = new Float64Array(size * size);
  const rhs = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    const base = i * size;
    for (let r = 0; r < size; r++) {
      const xr = features[base + r];
      if (xr === 0) continue;
      rhs[r] += xr * targets[i];
      const rowOffset = r * size;
      for (let c = 0; c <= r; c++) a[rowOffset + c] += xr * features[base + c];
    }
  }
  for (let k = 0; k < g; k++) a[k * size + k] += lambdaVector;
  a[g * size + g] += lambdaBias;
  const theta = solveSymmetric(a, rhs, size);

  const shares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let fitted = 0;
    for (let c = 0; c < size; c++) fitted += features[i * size + c] * theta[c];
    shares[i] = (targets[i] - fitted) / lambdaVector;
  }
  // The GMF path dots gmfWeighted with the movie's raw GMF row, so p is stored times the output weights.
  const gmfWeighted = new Float32Array(g);
  for (let k = 0; k < g; k++) gmfWeighted[k] = theta[k] * w[k];
  return { gmfWeighted, first: dnmf.meanUserFirst, bias: theta[g], rated, shares };
}

/**
 * Solves A·x = b for symmetric positive definite A (lower triangle filled, row-major) by Cholesky, in
 * place of A. The ridge penalty keeps A positive definite.
 */
function solveSymmetric(a: Float64Array, b: Float64Array, size: number): Float64Array {
  for (let j = 0; j < size; j++) {
    let diagonal = a[j * size + j];
    for (let k = 0; k < j; k++) diagonal -= a[j * size + k] ** 2;
    const root = Math.sqrt(Math.max(diagonal, 1e-12));
    a[j * size + j] = root;
    for (let i = j + 1; i < size; i++) {
      let value = a[i * size + j];
      for (let k = 0; k < j; k++) value -= a[i * size + k] * a[j * size + k];
      a[i * size + j] = value / root;
    }
  }
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let value = b[i];
    for (let k = 0; k < i; k++) value -= a[i * size + k] * y[k];
    y[i] = value / a[i * size + i];
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let value = y[i];
    for (let k = i + 1; k < size; k++) value -= a[k * size + i] * x[k];
    x[i] = value / a[i * size + i];
  }
  return x;
}
