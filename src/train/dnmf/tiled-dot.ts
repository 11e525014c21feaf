/**
 * The inner loop of every dense layer here, in training (the BatchMatMul kernel in ../tf.ts) and in
 * inference (PairScorer): many dot products between the rows of two matrices. V8 does not vectorise,
 * so the speed comes from register tiling: each 4×4 block of outputs is accumulated in 16 locals and
 * every loaded value is used four times.
 */
/** out[offset + i·n + j] = Σ_p x[i·k + p] · y[j·k + p], in 4×4 blocks plus plain dots at the edges. */
export function dotProductsTiled(
  x: Float32Array,
  y: Float32Array,
  m: number,
  n: number,
  k: number,
  out: Float32Array,
  offset: number,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const x0 = i * k;
    const x1 = x0 + k;
    const x2 = x1 + k;
    const x3 = x2 + k;
    for (let j = 0; j < n4; j += 4) {
      const y0 = j * k;
      const y1 = y0 + k;
      const y2 = y1 + k;
      const y3 = y2 + k;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0,
        s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let p = 0; p < k; p++) {
        const a0 = x[x0 + p];
        const a1 = x[x1 + p];
        const a2 = x[x2 + p];
        const a3 = x[x3 + p];
        const b0 = y[y0 + p];
        const b1 = y[y1 + p];
        const b2 = y[y2 + p];
        const b3 = y[y3 + p];
        s00 += a0 * b0;
        s01 += a0 * b1;
        s02 += a0 * b2;
        s03 += a0 * b3;
        s10 += a1 * b0;
        s11 += a1 * b1;
        s12 += a1 * b2;
        s13 += a1 * b3;
        s20 += a2 * b0;
        s21 += a2 * b1;
        s22 += a2 * b2;
        s23 += a2 * b3;
        s30 += a3 * b0;
        s31 += a3 * b1;
        s32 += a3 * b2;
        s33 += a3 * b3;
      }
      const o0 = offset + i * n + j;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      out[o0] = s00;
      out[o0 + 1] = s01;
      out[o0 + 2] = s02;
      out[o0 + 3] = s03;
      out[o1] = s10;
      out[o1 + 1] = s11;
      out[o1 + 2] = s12;
      out[o1 + 3] = s13;
      out[o2] = s20;
      out[o2 + 1] = s21;
      out[o2 + 2] = s22;
      out[o2 + 3] = s23;
      out[o3] = s30;
      out[o3 + 1] = s31;
      out[o3 + 2] = s32;
      out[o3 + 3] = s33;
    }
  }
  // Edges: rows below the last full block (all columns), and columns right of it (block rows).
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      let sum = 0;
      const xi = i * k;
      const yj = j * k;
      for (let p = 0; p < k; p++) sum += x[xi + p] * y[yj + p];
      out[offset + i * n + j] = sum;
    }
  }
}

/** out[i] = Σ_p x[(first + i)·k + p] · y[yOffset + p] for i < count, four rows of x at a time. */
export function dotsWithVector(
  x: Float32Array,
  first: number,
  count: number,
  k: number,
  y: Float32Array,
  yOffset: number,
  out: Float64Array,
): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const x0 = (first + i) * k;
    const x1 = x0 + k;
    const x2 = x1 + k;
    const x3 = x2 + k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let p = 0; p < k; p++) {
      const w = y[yOffset + p];
      s0 += w * x[x0 + p];
      s1 += w * x[x1 + p];
      s2 += w * x[x2 + p];
      s3 += w * x[x3 + p];
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < count; i++) {
    const xi = (first + i) * k;
    let sum = 0;
    for (let p = 0; p < k; p++) sum += y[yOffset + p] * x[xi + p];
    out[i] = sum;
  }
}
