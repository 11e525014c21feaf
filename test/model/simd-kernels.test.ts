/**
 * The WebAssembly SIMD kernels give bit for bit what their plain loops give (the loops the fold-ins and the
 * taste model's scans ran before), including the widths that fall back to the plain loop, zero entries,
 * and more rows than the kernel takes at a time.
 */
import { describe, expect, it } from 'vitest';
import {
  addOuterProducts,
  addOuterProductsPlain,
  createRowScanner,
  gramLower,
  gramLowerPlain,
  scanRowsPlain,
} from '../../src/model/simd-kernels.ts';
import { createRng } from '../../src/random.ts';

const random = createRng(14);
const values = (n: number, zeros = 0) =>
  Float64Array.from({ length: n }, () => (random() < zeros ? 0 : (random() - 0.5) * 3));

/** Count of elements that differ in any bit (Object.is also tells +0 from −0). */
function differing(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((count, value, i) => count + (Object.is(value, b[i]) ? 0 : 1), 0);
}

describe('scanRows', () => {
  for (const dim of [64, 8, 4, 6, 1]) {
    it(`x · y for every row, width ${dim}, exactly as the plain loop`, () => {
      const count = 777;
      const rows = Float32Array.from(values(count * dim));
      const scanner = createRowScanner(rows, dim);
      for (let trial = 0; trial < 5; trial++) {
        const x = values(dim);
        const served = scanner.scan(x, new Float64Array(count));
        const plain = scanRowsPlain(rows, dim, x, new Float64Array(count));
        expect(differing(served, plain)).toBe(0);
        // And it is the dot product (the plain loop is not trivially wrong in the same way).
        const i = trial * 100;
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += x[k] * rows[i * dim + k];
        expect(served[i]).toBeCloseTo(dot, 9);
      }
    });
  }
});

describe('addOuterProducts', () => {
  for (const [size, n] of [
    [64, 300],
    [65, 70],
    [7, 600],
    [1, 3],
  ]) {
    for (const skipZeros of [false, true]) {
      it(`${n} rows of ${size}, zeros ${skipZeros ? 'skipped' : 'added'}, exactly as the plain loop`, () => {
        const rows = values(n * size, 0.05);
        const start = values(size * size);
        const served = Float64Array.from(start);
        const plain = Float64Array.from(start);
        addOuterProducts(served, rows, n, size, 10, skipZeros);
        addOuterProductsPlain(plain, rows, n, size, 10, skipZeros);
        expect(differing(served, plain)).toBe(0);
        // Lower triangle only, and the sum it should be.
        if (size > 1) expect(served[size - 1]).toBe(start[size - 1]);
        let sum = start[(size - 1) * size];
        for (let i = 0; i < n; i++) sum += 10 * rows[i * size + size - 1] * rows[i * size];
        expect(served[(size - 1) * size]).toBeCloseTo(sum, 8);
      });
    }
  }
});

describe('gramLower', () => {
  for (const [n, g] of [
    [64, 64],
    [7, 64],
    [1, 5],
    [30, 3],
  ]) {
    it(`${n} rows of ${g}: every x_i · x_j (j ≤ i) exactly as the plain loop`, () => {
      const x = values(n * g, 0.05);
      const served = new Float64Array(n * n).fill(-1);
      const plain = new Float64Array(n * n).fill(-1);
      gramLower(x, n, g, served);
      gramLowerPlain(x, n, g, plain);
      expect(differing(served, plain)).toBe(0);
      // Above the diagonal untouched; a cell is its dot product.
      if (n > 1) expect(served[1]).toBe(-1);
      let dot = 0;
      for (let k = 0; k < g; k++) dot += x[(n - 1) * g + k] * x[k];
      expect(served[(n - 1) * n]).toBeCloseTo(dot, 9);
    });
  }
});

it('adding the ±0 products of zero entries to sums from +0 gives what skipping them does', () => {
  const size = 65;
  const n = 90;
  const rows = values(n * size, 0.1);
  const added = new Float64Array(size * size);
  const skipped = new Float64Array(size * size);
  addOuterProducts(added, rows, n, size, 1, false);
  addOuterProductsPlain(skipped, rows, n, size, 1, true);
  expect(differing(added, skipped)).toBe(0);
});
