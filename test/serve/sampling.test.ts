import { describe, expect, it } from 'vitest';
import { RANK_DECAY, drawRankIndex } from '../../src/serve/rank-sampling.ts';
import { createRng } from '../../src/random.ts';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs between seeds', () => {
    const take = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng());
    };
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
  });

  it('matches the published mulberry32 output for seed 1', () => {
    // The reference implementation (bryc/code, PRNGs.md) returns 2693262067 / 2^32 first for seed 1.
    expect(createRng(1)()).toBe(2693262067 / 2 ** 32);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const rng = createRng(123);
    const buckets = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = rng();
      if (!(value >= 0 && value < 1)) outOfRange++;
      else buckets[Math.floor(value * 10)]++;
    }
    expect(outOfRange).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('seeds from Math.random when no seed is given', () => {
    expect(createRng()()).not.toBe(createRng()());
  });
});

describe('drawRankIndex', () => {
  it('draws rank r with probability ∝ RANK_DECAY^r', () => {
    const rng = createRng(7);
    const length = 10;
    const counts = new Array<number>(length).fill(0);
    const draws = 200_000;
    for (let i = 0; i < draws; i++) counts[drawRankIndex(length, rng)]++;
    const total = (1 - RANK_DECAY ** length) / (1 - RANK_DECAY);
    counts.forEach((count, rank) => {
      expect(count / draws).toBeCloseTo(RANK_DECAY ** rank / total, 2);
    });
    // The best candidate is clearly favoured over the tenth (0.8^-9 ≈ 7.45×).
    expect(counts[0] / counts[9]).toBeGreaterThan(6.5);
    expect(counts[0] / counts[9]).toBeLessThan(8.5);
  });

  it('returns 0 for a single candidate', () => {
    const rng = createRng(1);
    for (let i = 0; i < 100; i++) expect(drawRankIndex(1, rng)).toBe(0);
  });
});
