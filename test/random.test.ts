import { describe, expect, it } from 'vitest';
import { createRng, sampleDistinct, shuffleInPlace } from '../src/random.ts';

describe('seeded shuffling and sampling', () => {
  it('shuffles in place into a permutation, the same for the same seed', () => {
    const values = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = shuffleInPlace([...values], createRng(3));
    expect([...shuffled].sort((a, b) => a - b)).toEqual(values);
    expect(shuffled).not.toEqual(values);
    expect(shuffleInPlace([...values], createRng(3))).toEqual(shuffled);
  });

  it('samples k distinct values, all of them when k is larger, without touching the input', () => {
    const values = [5, 6, 7, 8, 9];
    const sample = sampleDistinct(values, 3, createRng(1));
    expect(new Set(sample).size).toBe(3);
    for (const value of sample) expect(values).toContain(value);
    expect(sampleDistinct(values, 9, createRng(1)).sort()).toEqual(values);
    expect(values).toEqual([5, 6, 7, 8, 9]);
    // Roughly uniform: each value is drawn about 3/5 of the time.
    const rng = createRng(8);
    const counts = new Map<number, number>();
    for (let i = 0; i < 5000; i++)
      for (const v of sampleDistinct(values, 3, rng)) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const value of values) expect(counts.get(value)! / 5000).toBeCloseTo(0.6, 1);
  });
});
