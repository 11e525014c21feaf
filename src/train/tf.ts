/**
 * Loads TensorFlow.js once for the whole process: the native binding (@tensorflow/tfjs-node) when it is
 * installed, else pure-JS @tensorflow/tfjs on the 'cpu' backend with some kernels replaced by faster ones
 * (see registerFastCpuKernels): BatchMatMul for the DNMF's dense layers, and the elementwise binary ops
 * for its bias adds and scalar terms. The DNMF gathers embedding rows in JS (dnmf/tf-step.ts), so no
 * tf.gather (and no UnsortedSegmentSum, its gradient) is on its path.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { dotProductsTiled } from './dnmf/tiled-dot.ts';

export type Tf = typeof import('@tensorflow/tfjs');

export interface LoadedTf {
  tf: Tf;
  /** The active backend, e.g. 'tensorflow' (native) or 'cpu' (pure JS). */
  backend: string;
  version: string;
}

let loading: Promise<LoadedTf> | undefined;

export function loadTf(): Promise<LoadedTf> {
  loading ??= loadOnce();
  return loading;
}

async function loadOnce(): Promise<LoadedTf> {
  const native = await importNative();
  if (native) {
    await native.ready();
    return { tf: native, backend: native.getBackend(), version: native.version.tfjs };
  }
  const tf = await import('@tensorflow/tfjs');
  registerFastCpuKernels(tf);
  await tf.setBackend('cpu');
  await tf.ready();
  silenceNodeAdvice(tf);
  return { tf, backend: tf.getBackend(), version: tf.version.tfjs };
}

/** tfjs-node is an optional dependency: use it when it is installed, quietly fall back when it did not. */
async function importNative(): Promise<Tf | undefined> {
  // A computed specifier keeps TypeScript from requiring the optional package's types at build time.
  const specifier = '@tensorflow/tfjs-node';
  try {
    return (await import(specifier)) as Tf;
  } catch {
    return undefined;
  }
}

/**
 * The CPU backend prints a multi-line "install tfjs-node for speed" notice on first use. We already
 * tried tfjs-node, so the notice is noise in CLI and test output; the flag is a private field, hence
 * the defensive cast.
 */
function silenceNodeAdvice(tf: Tf): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (typeof backend.firstUse === 'boolean') backend.firstUse = false;
}

/** The slice of MathBackendCPU these kernels touch (the class is not part of the public typings). */
interface CpuBackendData {
  data: { get(id: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: string, values: Int32Array | Float32Array): TensorInfo;
}

function valuesOf(backend: unknown, t: TensorInfo): ArrayLike<number> {
  return (backend as CpuBackendData).data.get(t.dataId).values;
}

/**
 * float32 BatchMatMul as register-tiled dot products: both operands are first laid out with the shared
 * dimension contiguous (a cheap O(size) transpose where needed), then each 4×4 block of the output is
 * accumulated in 16 locals. V8 does not vectorise, so reusing each loaded value four times is what
 * counts: 3–4× faster than the stock kernel's strided loop on the DNMF's dense layers, where matMul
 * and its two gradient matMuls were most of a training step. Integer matMuls go to the stock kernel.
 */
function fastBatchMatMul(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const aRank = a.shape.length;
    const bRank = b.shape.length;
    const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
    const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
    const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
    const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
    const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const simple = a.dtype === 'float32' && b.dtype === 'float32' && aRank === bRank;
    // The stock kernel validates, reports shape errors, and knows the general broadcast rules.
    if (!simple || k !== kB || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return stock(args);
    const batch = Math.max(batchA, batchB);
    const av = valuesOf(args.backend, a);
    const bv = valuesOf(args.backend, b);
    const out = new Float32Array(batch * m * n);
    for (let bi = 0; bi < batch; bi++) {
      const aBlock = (batchA === 1 ? 0 : bi) * m * k;
      const bBlock = (batchB === 1 ? 0 : bi) * k * n;
      // rows: [m × k] with A's rows; cols: [n × k] with B's columns — both contiguous along k.
      const rows = transposeA ? transposed(av, aBlock, k, m) : sliceOf(av, aBlock, m * k);
      const cols = transposeB ? sliceOf(bv, bBlock, n * k) : transposed(bv, bBlock, k, n);
      dotProductsTiled(rows, cols, m, n, k, out, bi * m * n);
    }
    const shape = [...(batchA >= batchB ? a : b).shape.slice(0, -2), m, n];
    return (args.backend as CpuBackendData).makeTensorInfo(shape, 'float32', out);
  };
}

function sliceOf(values: ArrayLike<number>, offset: number, size: number): Float32Array {
  return values instanceof Float32Array
    ? values.subarray(offset, offset + size)
    : Float32Array.from({ length: size }, (_, i) => values[offset + i]);
}

/** The [cols × rows] transpose of the row-major [rows × cols] matrix at values[offset..]. */
function transposed(values: ArrayLike<number>, offset: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[offset + r * cols + c];
  return out;
}

type BinaryOp = (a: number, b: number) => number;

/** How the smaller operand repeats over the larger: same shape, a scalar, or a trailing block. */
function repeatsAsTrailingBlock(small: readonly number[], big: readonly number[]): boolean {
  let start = 0;
  while (start < small.length && small[start] === 1) start++;
  const tail = small.slice(start);
  if (tail.length > big.length) return false;
  const bigTail = big.slice(big.length - tail.length);
  return tail.every((d, i) => d === bigTail[i]);
}

/**
 * float32 Add/Sub/Mul/RealDiv where one operand equals the output's shape and the other is the same shape,
 * a scalar or a trailing block (a bias row): out[i] = op(a[i], b[i mod |b|]). The stock kernel computes
 * every element's broadcast index with array allocations (indexToLoc, slice), which made the DNMF's bias
 * adds and scalar ops a sixth of a training step. Everything else goes to the stock kernel.
 */
function fastBinary(op: BinaryOp): (stock: KernelFunc) => KernelFunc {
  return (stock) => (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args);
    const av = valuesOf(args.backend, a);
    const bv = valuesOf(args.backend, b);
    const aBig = av.length >= bv.length;
    const big = aBig ? a : b;
    const small = aBig ? b : a;
    if (!repeatsAsTrailingBlock(small.shape, big.shape) || big.shape.length < small.shape.length)
      return stock(args);
    const n = Math.max(av.length, bv.length);
    const out = new Float32Array(n);
    const an = av.length;
    const bn = bv.length;
    if (an === n && bn === n) for (let i = 0; i < n; i++) out[i] = op(av[i], bv[i]);
    else if (bn === 1) {
      const y = bv[0];
      for (let i = 0; i < n; i++) out[i] = op(av[i], y);
    } else if (an === 1) {
      const x = av[0];
      for (let i = 0; i < n; i++) out[i] = op(x, bv[i]);
    } else if (aBig) {
      for (let i = 0, j = 0; i < n; i++, j = j + 1 === bn ? 0 : j + 1) out[i] = op(av[i], bv[j]);
    } else {
      for (let i = 0, j = 0; i < n; i++, j = j + 1 === an ? 0 : j + 1) out[i] = op(av[j], bv[i]);
    }
    return (args.backend as CpuBackendData).makeTensorInfo([...big.shape], 'float32', out);
  };
}

/**
 * Swaps kernels of the pure-JS 'cpu' backend for faster equivalents: float32 BatchMatMul (register-tiled)
 * and float32 Add/Sub/Mul/RealDiv without per-element broadcast indexing. Safe to call repeatedly.
 */
export function registerFastCpuKernels(tf: Tf): void {
  replaceCpuKernel(tf, tf.BatchMatMul, (stock) => fastBatchMatMul(stock));
  replaceCpuKernel(
    tf,
    tf.Add,
    fastBinary((x, y) => x + y),
  );
  replaceCpuKernel(
    tf,
    tf.Sub,
    fastBinary((x, y) => x - y),
  );
  replaceCpuKernel(
    tf,
    tf.Multiply,
    fastBinary((x, y) => x * y),
  );
  replaceCpuKernel(
    tf,
    tf.RealDiv,
    fastBinary((x, y) => x / y),
  );
}

const stockKernels = new Map<string, KernelFunc>();

/** The kernel the backend shipped with, before any replacement (for fallbacks and tests). */
export function stockCpuKernel(tf: Tf, kernelName: string): KernelFunc {
  const kernel = stockKernels.get(kernelName) ?? tf.getKernel(kernelName, 'cpu')?.kernelFunc;
  if (!kernel) throw new Error(`the cpu backend has no ${kernelName} kernel`);
  return kernel;
}

function replaceCpuKernel(tf: Tf, kernelName: string, make: (stock: KernelFunc) => KernelFunc): void {
  const current = tf.getKernel(kernelName, 'cpu');
  if (!current) return;
  if (!stockKernels.has(kernelName)) stockKernels.set(kernelName, current.kernelFunc);
  const config: KernelConfig = {
    kernelName,
    backendName: 'cpu',
    kernelFunc: make(stockKernels.get(kernelName) as KernelFunc),
  };
  // Unregister first: registering over an existing kernel works but logs a warning.
  tf.unregisterKernel(kernelName, 'cpu');
  tf.registerKernel(config);
}
