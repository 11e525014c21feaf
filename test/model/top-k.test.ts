import { describe, expect, it } from 'vitest';
import { insertLargest, topIndicesBy, topOf, TopK } from '../../src/model/top-k.ts';
import { createRng } from '../../src/random.ts';

/** The reference: a full sort, highest key first, ties by the smaller index, NaN left out. */
function bySort(keys: readonly number[], k: number, skip: (i: number) => boolean = () => false) {
  return keys
    .map((key, index) => ({ index, key }))
    .filter(({ index, key }) => !Number.isNaN(key) && !skip(index))
    .sort((a, b) => b.key - a.key || a.index - b.index)
    .slice(0, k);
}

describe('TopK', () => {
  it('keeps the k highest keys, best first, ties to the smaller index whatever the order offered', () => {
    const top = new TopK(3);
    for (const [index, key] of [
      [9, 1],
      [4, 5],
      [7, 5],
      [2, 1],
      [3, 0],
      [1, 5],
    ])
      top.offer(index, key);
    expect(top.entries()).toEqual([
      { index: 1, key: 5 },
      { index: 4, key: 5 },
      { index: 7, key: 5 },
    ]);
    expect(top.admits(0, 5)).toBe(true);
    expect(top.admits(8, 5)).toBe(false);
    expect(top.admits(0, 4.9)).toBe(false);
  });

  it('never keeps a NaN key and reports fewer than k when fewer were offered', () => {
    const top = new TopK(4);
    expect(top.offer(0, Number.NaN)).toBe(false);
    top.offer(1, -2);
    top.offer(2, 3);
    expect(top.best()).toEqual([2, 1]);
    expect(top.size).toBe(2);
    // Unfilled slots read as −Infinity and −1 (watch-prices.ts reads the arrays directly).
    expect(Array.from(top.keys.subarray(2))).toEqual([-Infinity, -Infinity]);
    expect(Array.from(top.indices.subarray(2))).toEqual([-1, -1]);
  });

  it('clear() starts over; k = 0 keeps nothing', () => {
    const top = new TopK(2);
    top.offer(0, 1);
    top.clear();
    top.offer(5, 0);
    expect(top.best()).toEqual([5]);
    const none = new TopK(0);
    expect(none.offer(0, 1)).toBe(false);
    expect(none.best()).toEqual([]);
  });

  it('matches a full sort on random keys with many ties, NaN and skipped items', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rng() * 60);
      const k = Math.floor(rng() * 12);
      const keys = Array.from({ length: n }, () => (rng() < 0.1 ? Number.NaN : Math.floor(rng() * 6) - 2));
      const skip = (i: number) => i % 7 === 3;
      expect(topOf(keys, k, skip)).toEqual(bySort(keys, k, skip));
      expect(topOf(keys, k)).toEqual(bySort(keys, k));
      const subset = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0);
      expect(topIndicesBy(subset, keys, k)).toEqual(
        bySort(keys, k, (i) => i % 2 === 1).map(({ index }) => index),
      );
    }
  });

  it('asks skip only about items that would enter the list', () => {
    const asked: number[] = [];
    topOf([5, 4, 3, 9, 1], 2, (i) => {
      asked.push(i);
      return false;
    });
    // 3 (key 3) and 4 (key 1) cannot beat the two kept when they arrive.
    expect(asked).toEqual([0, 1, 3]);
  });
});

describe('insertLargest', () => {
  it('keeps each list of a flat array largest first and returns its new smallest', () => {
    const values = new Float64Array(6).fill(-Infinity);
    const floors = [0, 0];
    for (const [list, value] of [
      [0, 2],
      [1, 7],
      [0, 5],
      [0, 1],
      [0, 9],
      [1, 3],
    ])
      floors[list] = insertLargest(values, list * 3, 3, value);
    expect(Array.from(values)).toEqual([9, 5, 2, 7, 3, -Infinity]);
    expect(floors).toEqual([2, -Infinity]);
  });
});
