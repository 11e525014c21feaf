/**
 * YᵀY of a factor matrix: what an ALS sweep adds its regularisation to (train/watch-model.ts), what the
 * MF path's fold-in starts from (stored in the version) and what the evaluation recomputes for versions that
 * did not store it (eval/watch-fold-in.ts). One implementation, so all three agree to the last bit.
 */

/** out = VᵀV over the first `rows` rows of V (d columns, row-major); zero entries are skipped. */
export function gramian(
  v: Float32Array | Float64Array,
  rows: number,
  d: number,
  out: Float64Array = new Float64Array(d * d),
): Float64Array {
  out.fill(0);
  for (let row = 0; row < rows; row++) {
    const o = row * d;
    for (let a = 0; a < d; a++) {
      const va = v[o + a];
      if (va === 0) continue;
      for (let b = a; b < d; b++) out[a * d + b] += va * v[o + b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) out[a * d + b] = out[b * d + a];
  return out;
}
