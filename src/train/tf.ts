/**
 * Loads TensorFlow.js once for the whole process: the native binding (@tensorflow/tfjs-node) when it is
 * installed, else pure-JS @tensorflow/tfjs on the 'cpu' backend with two kernels replaced by faster ones
 * (see registerFastCpuKernels). The DNMF gathers embedding rows in JS (dnmf/tf-step.ts), so the
 * UnsortedSegmentSum fix serves any other tf.gather training; the BatchMatMul one speeds its dense layers.
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
 * The CPU backend's own UnsortedSegmentSum (the gradient of tf.gather, i.e. of every embedding lookup)
 * builds a mask over the whole input for each of numSegments segments: O(numSegments × size), 16 s per
 * training step for a 9,742-row embedding table. This kernel is one pass over the input.
 */
export const linearUnsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const values = valuesOf(backend, x);
  const ids = valuesOf(backend, segmentIds);
  // segmentIds covers the leading dims of x; every remaining element is summed per segment.
  const rowCount = ids.length;
  const rowSize = rowCount === 0 ? 0 : values.length / rowCount;
  const out =
    x.dtype === 'int32' ? new Int32Array(numSegments * rowSize) : new Float32Array(numSegments * rowSize);
  for (let i = 0; i < rowCount; i++) {
    const segment = ids[i];
    // TensorFlow drops negative and out-of-range ids rather than failing.
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] += values[from + j];
  }
  const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  return (backend as CpuBackendData).makeTensorInfo(shape, x.dtype, out);
};

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

/**
 * Swaps kernels of the pure-JS 'cpu' backend for faster equivalents: UnsortedSegmentSum (linear instead
 * of quadratic) and float32 BatchMatMul (register-tiled). Safe to call repeatedly.
 */
export function registerFastCpuKernels(tf: Tf): void {
  replaceCpuKernel(tf, tf.UnsortedSegmentSum, () => linearUnsortedSegmentSum);
  replaceCpuKernel(tf, tf.BatchMatMul, (stock) => fastBatchMatMul(stock));
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
