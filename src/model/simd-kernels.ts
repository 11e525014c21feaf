/**
 * The loops that are most of a /foryou or /movienight request at ml-32m size, in WebAssembly SIMD
 * (two f64 lanes; wasm-module.ts writes the bytes):
 * - scanRows: x · y for every row y of a Float32 factor matrix (the taste model's gem band, 64 wide);
 * - addOuterProducts: A += Σᵢ (scale · zᵢ) zᵢᵀ over A's lower triangle (a fold-in's normal equations);
 * - gramLower: the dot products x_i · x_j, j ≤ i, of a few rows (the DNMF fold-in's n × n system).
 *
 * Each kernel does, per element, exactly the arithmetic of its plain loop below, in the same order: the
 * scan's two 2-lane accumulators are the plain loop's four partial sums, added up in the same order at the
 * end, the outer products add to each element of A one row after the other, and the two lanes of gramLower
 * are two whole dot products. So the results are bit for bit those of the plain loops (simd-kernels.test.ts
 * checks it), 4–8× faster. The plain loops serve where WebAssembly SIMD is missing and for scan widths that
 * are not a multiple of 4.
 */
import { f64, i32, op, v128, wasmModule, type WasmFunction } from './wasm-module.ts';

const PAGE = 65_536;

/** scanRows(x, rows, n, d, out): out[i] = x · rows[i] (byte offsets; x and out f64, rows f32, d % 4 = 0). */
const scanRowsCode: WasmFunction = (() => {
  const [x, rows, n, d, out, i, k, xAt, rowAt, low, high] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  return {
    name: 'scanRows',
    params: [i32, i32, i32, i32, i32],
    locals: [i32, i32, i32, i32, v128, v128],
    body: [
      [...op.i32Const(0), ...op.localSet(i)],
      [...op.localGet(rows), ...op.localSet(rowAt)],
      [...op.block, ...op.loop],
      [...op.localGet(i), ...op.localGet(n), ...op.i32GeU, ...op.brIf(1)],
      [...op.v128Zero, ...op.localSet(low), ...op.v128Zero, ...op.localSet(high)],
      [...op.i32Const(0), ...op.localSet(k), ...op.localGet(x), ...op.localSet(xAt)],
      [...op.block, ...op.loop],
      [...op.localGet(k), ...op.localGet(d), ...op.i32GeU, ...op.brIf(1)],
      // low += x[k, k+1] · y[k, k+1]; high += x[k+2, k+3] · y[k+2, k+3] (the plain loop's s0 s1 and s2 s3).
      [...op.localGet(low), ...op.localGet(xAt), ...op.v128Load(0)],
      [...op.localGet(rowAt), ...op.localGet(k), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add],
      [
        ...op.v128Load64Zero(0),
        ...op.f64x2PromoteLowF32x4,
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.localSet(low),
      ],
      [...op.localGet(high), ...op.localGet(xAt), ...op.v128Load(16)],
      [...op.localGet(rowAt), ...op.localGet(k), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add],
      [
        ...op.v128Load64Zero(8),
        ...op.f64x2PromoteLowF32x4,
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.localSet(high),
      ],
      [...op.localGet(k), ...op.i32Const(4), ...op.i32Add, ...op.localSet(k)],
      [...op.localGet(xAt), ...op.i32Const(32), ...op.i32Add, ...op.localSet(xAt)],
      [...op.br(0), ...op.end, ...op.end],
      // out[i] = ((s0 + s1) + s2) + s3, as the plain loop adds them.
      [...op.localGet(out), ...op.localGet(i), ...op.i32Const(3), ...op.i32Shl, ...op.i32Add],
      [
        ...op.localGet(low),
        ...op.f64x2ExtractLane(0),
        ...op.localGet(low),
        ...op.f64x2ExtractLane(1),
        ...op.f64Add,
      ],
      [...op.localGet(high), ...op.f64x2ExtractLane(0), ...op.f64Add],
      [...op.localGet(high), ...op.f64x2ExtractLane(1), ...op.f64Add, ...op.f64Store(0)],
      [
        ...op.localGet(rowAt),
        ...op.localGet(d),
        ...op.i32Const(2),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.localSet(rowAt),
      ],
      [...op.localGet(i), ...op.i32Const(1), ...op.i32Add, ...op.localSet(i)],
      [...op.br(0), ...op.end, ...op.end],
    ],
  };
})();

/**
 * addOuterProducts(a, rows, n, size, scale, skipZeros): for each row z of rows (n × size, f64), in order,
 * a[r][c] += (scale · z[r]) · z[c] for c ≤ r; rows' zero entries skipped when skipZeros ≠ 0.
 */
const addOuterProductsCode: WasmFunction = (() => {
  const [a, rows, n, size, scale, skipZeros, i, r, c, value, factor, aRow, rowAt] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ];
  const address = (base: number, index: number) => [
    ...op.localGet(base),
    ...op.localGet(index),
    ...op.i32Const(3),
    ...op.i32Shl,
    ...op.i32Add,
  ];
  return {
    name: 'addOuterProducts',
    params: [i32, i32, i32, i32, f64, i32],
    locals: [i32, i32, i32, f64, v128, i32, i32],
    body: [
      [...op.i32Const(0), ...op.localSet(i), ...op.localGet(rows), ...op.localSet(rowAt)],
      [...op.block, ...op.loop],
      [...op.localGet(i), ...op.localGet(n), ...op.i32GeU, ...op.brIf(1)],
      [...op.i32Const(0), ...op.localSet(r), ...op.localGet(a), ...op.localSet(aRow)],
      [...op.block, ...op.loop],
      [...op.localGet(r), ...op.localGet(size), ...op.i32GeU, ...op.brIf(1)],
      [...op.block],
      [...address(rowAt, r), ...op.f64Load(0), ...op.localTee(value)],
      [...op.f64Const0, ...op.f64Eq, ...op.localGet(skipZeros), ...op.i32And, ...op.brIf(0)],
      [...op.localGet(scale), ...op.localGet(value), ...op.f64Mul, ...op.f64x2Splat, ...op.localSet(factor)],
      [...op.i32Const(0), ...op.localSet(c)],
      // Two columns at a time while both are ≤ r, then column r alone when it is left.
      [...op.block, ...op.loop],
      [...op.localGet(c), ...op.localGet(r), ...op.i32GeU, ...op.brIf(1)],
      [...address(aRow, c), ...address(aRow, c), ...op.v128Load(0)],
      [...op.localGet(factor), ...address(rowAt, c), ...op.v128Load(0), ...op.f64x2Mul, ...op.f64x2Add],
      [...op.v128Store(0), ...op.localGet(c), ...op.i32Const(2), ...op.i32Add, ...op.localSet(c)],
      [...op.br(0), ...op.end, ...op.end],
      [...op.localGet(c), ...op.localGet(r), ...op.i32Eq, ...op.if],
      [...address(aRow, c), ...address(aRow, c), ...op.f64Load(0)],
      [
        ...op.localGet(factor),
        ...op.f64x2ExtractLane(0),
        ...address(rowAt, c),
        ...op.f64Load(0),
        ...op.f64Mul,
      ],
      [...op.f64Add, ...op.f64Store(0), ...op.end],
      [...op.end],
      [
        ...op.localGet(aRow),
        ...op.localGet(size),
        ...op.i32Const(3),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.localSet(aRow),
      ],
      [...op.localGet(r), ...op.i32Const(1), ...op.i32Add, ...op.localSet(r)],
      [...op.br(0), ...op.end, ...op.end],
      [
        ...op.localGet(rowAt),
        ...op.localGet(size),
        ...op.i32Const(3),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.localSet(rowAt),
      ],
      [...op.localGet(i), ...op.i32Const(1), ...op.i32Add, ...op.localSet(i)],
      [...op.br(0), ...op.end, ...op.end],
    ],
  };
})();

/**
 * addOuterProducts4(a, z, size, scale): addOuterProducts for exactly four rows z₀…z₃ (size apart), each
 * element of A loaded once, given its four products in row order, and stored once: the same additions in
 * the same order as four single-row passes, with a quarter of the memory traffic. No zero skipping.
 */
const addOuterProducts4Code: WasmFunction = (() => {
  const [a, z, size, scale, r, c, aRow, stride, zAt, aAt] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const s = [10, 11, 12, 13];
  const sum = 14;
  /** Row q's entry at column `index` (an i32 local), as f64. */
  const entry = (q: number, index: number) => [
    ...op.localGet(z),
    ...op.localGet(stride),
    ...op.i32Const(q),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.localGet(index),
    ...op.i32Const(3),
    ...op.i32Shl,
    ...op.i32Add,
  ];
  /** zAt + q·stride: row q at column c. */
  const rowAt = (q: number) => [
    ...op.localGet(zAt),
    ...op.localGet(stride),
    ...op.i32Const(q),
    ...op.i32Mul,
    ...op.i32Add,
  ];
  const pairSum = s.flatMap((sq, q) => [
    ...op.localGet(sum),
    ...op.localGet(sq),
    ...rowAt(q),
    ...op.v128Load(0),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.localSet(sum),
  ]);
  const singleSum = s.flatMap((sq, q) => [
    ...op.localGet(sum),
    ...op.localGet(sq),
    ...rowAt(q),
    ...op.v128Load64Zero(0),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.localSet(sum),
  ]);
  /** zAt = z + c·8, aAt = aRow + c·8. */
  const columnAt = [
    ...op.localGet(z),
    ...op.localGet(c),
    ...op.i32Const(3),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.localSet(zAt),
    ...op.localGet(aRow),
    ...op.localGet(c),
    ...op.i32Const(3),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.localSet(aAt),
  ];
  return {
    name: 'addOuterProducts4',
    params: [i32, i32, i32, f64],
    locals: [i32, i32, i32, i32, i32, i32, v128, v128, v128, v128, v128],
    body: [
      [...op.localGet(size), ...op.i32Const(3), ...op.i32Shl, ...op.localSet(stride)],
      [...op.i32Const(0), ...op.localSet(r), ...op.localGet(a), ...op.localSet(aRow)],
      [...op.block, ...op.loop],
      [...op.localGet(r), ...op.localGet(size), ...op.i32GeU, ...op.brIf(1)],
      // s_q = scale · z_q[r], in both lanes.
      ...s.map((sq, q) => [
        ...op.localGet(scale),
        ...entry(q, r),
        ...op.f64Load(0),
        ...op.f64Mul,
        ...op.f64x2Splat,
        ...op.localSet(sq),
      ]),
      [...op.i32Const(0), ...op.localSet(c)],
      [...op.block, ...op.loop],
      [...op.localGet(c), ...op.localGet(r), ...op.i32GeU, ...op.brIf(1)],
      columnAt,
      [...op.localGet(aAt), ...op.v128Load(0), ...op.localSet(sum)],
      pairSum,
      [...op.localGet(aAt), ...op.localGet(sum), ...op.v128Store(0)],
      [...op.localGet(c), ...op.i32Const(2), ...op.i32Add, ...op.localSet(c)],
      [...op.br(0), ...op.end, ...op.end],
      // Column r alone when it is left (lane 0 only).
      [...op.localGet(c), ...op.localGet(r), ...op.i32Eq, ...op.if],
      columnAt,
      [...op.localGet(aAt), ...op.v128Load64Zero(0), ...op.localSet(sum)],
      singleSum,
      [...op.localGet(aAt), ...op.localGet(sum), ...op.f64x2ExtractLane(0), ...op.f64Store(0)],
      [...op.end],
      [...op.localGet(aRow), ...op.localGet(stride), ...op.i32Add, ...op.localSet(aRow)],
      [...op.localGet(r), ...op.i32Const(1), ...op.i32Add, ...op.localSet(r)],
      [...op.br(0), ...op.end, ...op.end],
    ],
  };
})();

/**
 * gramLower(xt, n, g, out): out[i][j] = Σ_k x_i[k] · x_j[k] for j ≤ i, summed over k in order, from the
 * transpose xt (g × n, f64) so that x_j[k] and x_{j+1}[k] sit side by side: the two lanes are two dot
 * products, each added up exactly as the plain loop adds it.
 */
const gramLowerCode: WasmFunction = (() => {
  const [xt, n, g, out, i, j, k, stride, at, atI, sum] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const step = [
    ...op.localGet(at),
    ...op.localGet(stride),
    ...op.i32Add,
    ...op.localSet(at),
    ...op.localGet(atI),
    ...op.localGet(stride),
    ...op.i32Add,
    ...op.localSet(atI),
    ...op.localGet(k),
    ...op.i32Const(1),
    ...op.i32Add,
    ...op.localSet(k),
  ];
  /** at = xt + j·8, atI = xt + i·8, k = 0, sum = 0. */
  const start = [
    ...op.localGet(xt),
    ...op.localGet(j),
    ...op.i32Const(3),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.localSet(at),
    ...op.localGet(xt),
    ...op.localGet(i),
    ...op.i32Const(3),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.localSet(atI),
    ...op.i32Const(0),
    ...op.localSet(k),
    ...op.v128Zero,
    ...op.localSet(sum),
  ];
  /** The address of out[i][j]. */
  const cell = [
    ...op.localGet(out),
    ...op.localGet(i),
    ...op.localGet(n),
    ...op.i32Mul,
    ...op.localGet(j),
    ...op.i32Add,
    ...op.i32Const(3),
    ...op.i32Shl,
    ...op.i32Add,
  ];
  return {
    name: 'gramLower',
    params: [i32, i32, i32, i32],
    locals: [i32, i32, i32, i32, i32, i32, v128],
    body: [
      [...op.localGet(n), ...op.i32Const(3), ...op.i32Shl, ...op.localSet(stride)],
      [...op.i32Const(0), ...op.localSet(i)],
      [...op.block, ...op.loop],
      [...op.localGet(i), ...op.localGet(n), ...op.i32GeU, ...op.brIf(1)],
      [...op.i32Const(0), ...op.localSet(j)],
      // Columns j and j + 1 together while both are ≤ i.
      [...op.block, ...op.loop],
      [...op.localGet(j), ...op.localGet(i), ...op.i32GeU, ...op.brIf(1)],
      start,
      [...op.block, ...op.loop],
      [...op.localGet(k), ...op.localGet(g), ...op.i32GeU, ...op.brIf(1)],
      [...op.localGet(sum), ...op.localGet(atI), ...op.f64Load(0), ...op.f64x2Splat],
      [...op.localGet(at), ...op.v128Load(0), ...op.f64x2Mul, ...op.f64x2Add, ...op.localSet(sum)],
      step,
      [...op.br(0), ...op.end, ...op.end],
      [...cell, ...op.localGet(sum), ...op.v128Store(0)],
      [...op.localGet(j), ...op.i32Const(2), ...op.i32Add, ...op.localSet(j)],
      [...op.br(0), ...op.end, ...op.end],
      // Column i alone when it is left (lane 0 only).
      [...op.localGet(j), ...op.localGet(i), ...op.i32Eq, ...op.if],
      start,
      [...op.block, ...op.loop],
      [...op.localGet(k), ...op.localGet(g), ...op.i32GeU, ...op.brIf(1)],
      [...op.localGet(sum), ...op.localGet(atI), ...op.f64Load(0), ...op.f64x2Splat],
      [...op.localGet(at), ...op.v128Load64Zero(0), ...op.f64x2Mul, ...op.f64x2Add, ...op.localSet(sum)],
      step,
      [...op.br(0), ...op.end, ...op.end],
      [...cell, ...op.localGet(sum), ...op.f64x2ExtractLane(0), ...op.f64Store(0)],
      [...op.end],
      [...op.localGet(i), ...op.i32Const(1), ...op.i32Add, ...op.localSet(i)],
      [...op.br(0), ...op.end, ...op.end],
    ],
  };
})();

/** The part of the WebAssembly JS API used here (the project compiles without the DOM's declarations). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

interface Kernels {
  memory: WasmMemory;
  scanRows(x: number, rows: number, n: number, d: number, out: number): void;
  addOuterProducts(a: number, rows: number, n: number, size: number, scale: number, skipZeros: number): void;
  gramLower(xt: number, n: number, g: number, out: number): void;
  addOuterProducts4(a: number, z: number, size: number, scale: number): void;
}

let compiled: object | null | undefined;

/** The compiled kernels, or null where this runtime has no WebAssembly SIMD. */
function kernelModule(): object | null {
  if (compiled === undefined) {
    const bytes = wasmModule([scanRowsCode, addOuterProductsCode, gramLowerCode, addOuterProducts4Code], 1);
    compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

/** A fresh instance (its own memory) of at least `bytes` bytes, or undefined without WebAssembly SIMD. */
function instantiate(bytes: number): Kernels | undefined {
  const module = kernelModule();
  if (!module || !wasm) return undefined;
  const kernels = new wasm.Instance(module).exports as Kernels;
  const missing = Math.ceil(bytes / PAGE) - kernels.memory.buffer.byteLength / PAGE;
  if (missing > 0) kernels.memory.grow(missing);
  return kernels;
}

/** x · y for every row y of a fixed matrix (out[i] for row i); out is the caller's, returned. */
export interface RowScanner {
  scan(x: Float64Array, out: Float64Array): Float64Array;
}

/** The plain loop: four partial sums over the width (what the kernel reproduces bit for bit). */
export function scanRowsPlain(
  rows: Float32Array,
  dim: number,
  x: Float64Array,
  out: Float64Array,
): Float64Array {
  const d4 = dim - (dim % 4);
  for (let i = 0, at = 0; i < out.length; i++, at += dim) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = 0;
    for (; k < d4; k += 4) {
      s0 += x[k] * rows[at + k];
      s1 += x[k + 1] * rows[at + k + 1];
      s2 += x[k + 2] * rows[at + k + 2];
      s3 += x[k + 3] * rows[at + k + 3];
    }
    for (; k < dim; k++) s0 += x[k] * rows[at + k];
    out[i] = s0 + s1 + s2 + s3;
  }
  return out;
}

/**
 * A scanner over `rows` (count × dim, copied into the kernel's memory once). `simd: false` forces the plain
 * loop (for tests); so do a runtime without WebAssembly SIMD and a width that is not a multiple of 4.
 */
export function createRowScanner(rows: Float32Array, dim: number, simd = true): RowScanner {
  const count = dim === 0 ? 0 : rows.length / dim;
  const kernels = simd && dim % 4 === 0 ? instantiate(dim * 8 + count * 8 + rows.length * 4) : undefined;
  if (!kernels) {
    const own = Float32Array.from(rows);
    return { scan: (x, out) => scanRowsPlain(own, dim, x, out) };
  }
  const xAt = 0;
  const outAt = dim * 8;
  const rowsAt = outAt + count * 8;
  const buffer = kernels.memory.buffer;
  new Float32Array(buffer, rowsAt, rows.length).set(rows);
  const xView = new Float64Array(buffer, xAt, dim);
  const outView = new Float64Array(buffer, outAt, count);
  return {
    scan(x, out) {
      xView.set(x.subarray(0, dim));
      kernels.scanRows(xAt, rowsAt, count, dim, outAt);
      out.set(outView);
      return out;
    },
  };
}

/** The plain loop of addOuterProducts (see the kernel's comment). */
export function addOuterProductsPlain(
  a: Float64Array,
  rows: Float64Array,
  n: number,
  size: number,
  scale: number,
  skipZeros: boolean,
): void {
  for (let i = 0; i < n; i++) {
    const at = i * size;
    for (let r = 0; r < size; r++) {
      const value = rows[at + r];
      if (skipZeros && value === 0) continue;
      const factor = scale * value;
      const aRow = r * size;
      for (let c = 0; c <= r; c++) a[aRow + c] += factor * rows[at + c];
    }
  }
}

/** Rows handed to the kernel at a time (its memory holds A and one chunk). */
const CHUNK_ROWS = 256;
/** One instance for the fold-ins' small kernels, its memory grown to the largest system seen. */
let shared: Kernels | null | undefined;

function sharedKernels(bytes: number): Kernels | undefined {
  if (shared === undefined) shared = instantiate(bytes) ?? null;
  if (!shared) return undefined;
  const missing = Math.ceil(bytes / PAGE) - shared.memory.buffer.byteLength / PAGE;
  if (missing > 0) shared.memory.grow(missing);
  return shared;
}

/**
 * a (size × size, row-major) += Σ over the n rows z of `rows` of (scale · z[r]) · z[c], lower triangle only
 * (c ≤ r), rows added in order; rows' zero entries skipped when skipZeros. In WebAssembly SIMD where it runs.
 */
export function addOuterProducts(
  a: Float64Array,
  rows: Float64Array,
  n: number,
  size: number,
  scale: number,
  skipZeros: boolean,
): void {
  const bytes = size * size * 8 + CHUNK_ROWS * size * 8;
  const kernels = sharedKernels(bytes);
  if (!kernels) return addOuterProductsPlain(a, rows, n, size, scale, skipZeros);
  const buffer = kernels.memory.buffer;
  const aAt = 0;
  const rowsAt = size * size * 8;
  const aView = new Float64Array(buffer, aAt, size * size);
  aView.set(a.subarray(0, size * size));
  for (let first = 0; first < n; first += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - first);
    new Float64Array(buffer, rowsAt, count * size).set(rows.subarray(first * size, (first + count) * size));
    // Four rows at a time where no zero is to be skipped, the rest one by one.
    const blocked = skipZeros ? 0 : count - (count % 4);
    for (let q = 0; q < blocked; q += 4) kernels.addOuterProducts4(aAt, rowsAt + q * size * 8, size, scale);
    kernels.addOuterProducts(
      aAt,
      rowsAt + blocked * size * 8,
      count - blocked,
      size,
      scale,
      skipZeros ? 1 : 0,
    );
  }
  a.set(aView);
}

/** The plain loop of gramLower: out[i][j] for j ≤ i from x (n × g, row-major). */
export function gramLowerPlain(x: Float64Array, n: number, g: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let k = 0; k < g; k++) dot += x[i * g + k] * x[j * g + k];
      out[i * n + j] = dot;
    }
  }
}

/**
 * out (n × n, row-major) gets x_i · x_j for j ≤ i, the rows x_i of x (n × g, row-major), each summed over
 * k in order. In WebAssembly SIMD where it runs.
 */
export function gramLower(x: Float64Array, n: number, g: number, out: Float64Array): void {
  const kernels = sharedKernels(g * n * 8 + n * n * 8);
  if (!kernels) return gramLowerPlain(x, n, g, out);
  const buffer = kernels.memory.buffer;
  const xtAt = 0;
  const outAt = g * n * 8;
  const xt = new Float64Array(buffer, xtAt, g * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < g; k++) xt[k * n + i] = x[i * g + k];
  kernels.gramLower(xtAt, n, g, outAt);
  const gram = new Float64Array(buffer, outAt, n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[i * n + j] = gram[i * n + j];
}
