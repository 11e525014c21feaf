import type { TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTf, stockCpuKernel, type Tf } from '../../src/train/tf.ts';
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

describe('broadcast-free binary kernels', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['Add', [6, 4], [6, 4]],
    ['Add', [6, 4], [4]], // a bias row
    ['Sub', [3], [5, 3]], // the row first
    ['Multiply', [5, 1], [1]],
    ['RealDiv', [1], [2, 3]], // a scalar first
    ['Multiply', [1, 1, 4], [4]], // leading 1s: output is rank 3
    ['Add', [6, 1], [1, 4]], // a true broadcast: stock path
    ['Sub', [4, 1], [4]], // [4,1] − [4] is [4,4]: stock path
  ];
  for (const [kernelName, aShape, bShape] of cases) {
    it(`${kernelName} ${JSON.stringify(aShape)} with ${JSON.stringify(bShape)} matches the stock kernel`, () => {
      const a = randomTensor(aShape, 1);
      const b = randomTensor(bShape, 2);
      const ours = runKernel(tf.getKernel(kernelName, 'cpu')!.kernelFunc, { a, b }, {});
      const stock = runKernel(stockCpuKernel(tf, kernelName), { a, b }, {});
      expect(ours.shape).toEqual(stock.shape);
      expect(ours.values.length).toBe(stock.values.length);
      expect(ours.values.length).toBeGreaterThan(0);
      expect(ours.values).toEqual(stock.values);
      tf.dispose([a, b]);
    });
  }
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
      // Compared as a whole, so an empty or short output fails instead of passing vacuously.
      expect(ours.values.length).toBe(stock.values.length);
      expect(ours.values.length).toBeGreaterThan(0);
      const worst = Math.max(...ours.values.map((v, i) => Math.abs(v - stock.values[i])));
      expect(worst).toBeLessThan(1e-4);
      tf.dispose([a, b]);
    });
  }
});
