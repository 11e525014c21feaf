import type { TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearUnsortedSegmentSum, loadTf, stockCpuKernel, type Tf } from '../../src/train/tf.ts';
import { createRandom, normal } from '../../src/train/dnmf/random.ts';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

/** Runs a kernel function directly on the CPU backend and reads its output. */
function runKernel(
  kernel: ReturnType<typeof stockCpuKernel>,
  inputs: Record<string, TensorInfo>,
  attrs: object,
) {
  const backend = tf.findBackend('cpu');
  if (!backend) throw new Error('no cpu backend');
  const out = kernel({ inputs, backend, attrs: attrs as Record<string, never> }) as TensorInfo;
  const values = Array.from(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  return { shape: out.shape, values };
}

function randomTensor(shape: number[], seed: number) {
  const random = createRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => normal(random)),
    shape,
  );
}

describe('linear-time UnsortedSegmentSum', () => {
  it('gives what the stock kernel gives, dropping out-of-range ids', () => {
    const x = randomTensor([7, 3], 1);
    const ids = tf.tensor1d([2, 0, 2, -1, 4, 0, 5], 'int32');
    const attrs = { numSegments: 5 };
    const ours = runKernel(linearUnsortedSegmentSum, { x, segmentIds: ids }, attrs);
    const stock = runKernel(stockCpuKernel(tf, 'UnsortedSegmentSum'), { x, segmentIds: ids }, attrs);
    expect(ours.shape).toEqual([5, 3]);
    expect(ours.shape).toEqual(stock.shape);
    ours.values.forEach((v, i) => expect(v).toBeCloseTo(stock.values[i], 5));
    tf.dispose([x, ids]);
  });

  it('is what tf.gather gradients use: a repeated row gets the sum of its gradients', () => {
    const table = tf.ones([4, 2]);
    const indices = tf.tensor1d([3, 1, 3], 'int32');
    const weights = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const grad = tf.grad((t) => tf.sum(tf.mul(tf.gather(t, indices), weights)))(table);
    expect(Array.from(grad.dataSync())).toEqual([0, 0, 3, 4, 0, 0, 6, 8]);
    tf.dispose([table, indices, weights, grad]);
  });
});

describe('tiled BatchMatMul', () => {
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[5, 7], [7, 3], false, false],
    [[9, 6], [9, 5], true, false],
    [[6, 9], [5, 9], false, true],
    [[8, 4], [4, 8], false, false], // exact 4×4 blocks
    [[13, 1], [1, 6], false, false],
    [[2, 6, 3], [2, 3, 5], false, false], // batched
    [[1, 6, 3], [4, 5, 3], false, true], // batch broadcast
    [[3, 4], [5, 3], true, true], // both transposed: stock path
  ];
  for (const [aShape, bShape, transposeA, transposeB] of cases) {
    it(`matches the stock kernel for ${JSON.stringify(aShape)}·${JSON.stringify(bShape)} tA=${transposeA} tB=${transposeB}`, () => {
      const a = randomTensor(aShape, 3);
      const b = randomTensor(bShape, 4);
      const attrs = { transposeA, transposeB };
      const ours = runKernel(tf.getKernel('BatchMatMul', 'cpu')!.kernelFunc, { a, b }, attrs);
      const stock = runKernel(stockCpuKernel(tf, 'BatchMatMul'), { a, b }, attrs);
      expect(ours.shape).toEqual(stock.shape);
      ours.values.forEach((v, i) => expect(v).toBeCloseTo(stock.values[i], 4));
      tf.dispose([a, b]);
    });
  }
});
