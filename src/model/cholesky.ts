/**
 * Cholesky factorisation and solve for the small symmetric positive definite systems of the fold-ins
 * (the DNMF's ridge regression in serve/fold-in.ts, the MF path's member solve in taste-fold-in.ts, the
 * evaluation's plain fold-in baseline). A ridge
 * penalty keeps every such system positive definite.
 */

/** Factors A = L·Lᵀ in place (row-major, lower triangle read and written; the upper one is ignored). */
export function choleskyInPlace(a: Float64Array, size: number): void {
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
}

/** Solves L·Lᵀ·x = b with the factor from choleskyInPlace. */
export function solveCholesky(l: Float64Array, b: ArrayLike<number>, size: number): Float64Array {
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let value = b[i];
    for (let k = 0; k < i; k++) value -= l[i * size + k] * y[k];
    y[i] = value / l[i * size + i];
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let value = y[i];
    for (let k = i + 1; k < size; k++) value -= l[k * size + i] * x[k];
    x[i] = value / l[i * size + i];
  }
  return x;
}

/** Solves A·x = b for symmetric positive definite A (lower triangle filled), factoring A in place. */
export function solveSymmetric(a: Float64Array, b: ArrayLike<number>, size: number): Float64Array {
  choleskyInPlace(a, size);
  return solveCholesky(a, b, size);
}
