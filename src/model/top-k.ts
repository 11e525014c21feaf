/**
 * The one top-k helper of the project: the k best of many scored items, without sorting them all. Used
 * where training, serving and the evaluation keep "the best few" of thousands or millions of candidates
 * (neighbour lists, exposure prices, gem rankings, baselines).
 *
 * "Best" is the highest key; equal keys go to the smaller index, so a result does not depend on the order
 * items are offered in. A NaN key is never kept. The kept items sit in a sorted array of k slots: most
 * candidates fail one comparison with the last slot (`admits`), which callers run before anything costlier
 * (an exclusion check); a kept one shifts at most k − 1 slots, which for the k ≤ a few hundred used here
 * costs less than a heap's bookkeeping.
 */
export interface Ranked {
  /** The item's index, as the caller numbered it (a row, a position in a candidate list). */
  index: number;
  key: number;
}

export class TopK {
  /** The kept indices, best first; −1 in slots not filled yet. */
  readonly indices: Int32Array;
  /** The kept keys, best first; −Infinity in slots not filled yet. */
  readonly keys: Float64Array;
  /** How many slots are filled. */
  size = 0;

  constructor(readonly k: number) {
    this.indices = new Int32Array(k).fill(-1);
    this.keys = new Float64Array(k).fill(-Infinity);
  }

  /** Empties the list for another round (no allocation). */
  clear(): void {
    this.size = 0;
    this.indices.fill(-1);
    this.keys.fill(-Infinity);
  }

  /** Whether offer(index, key) would keep the item: a cheap test to run before costlier ones. */
  admits(index: number, key: number): boolean {
    if (this.size < this.k) return !Number.isNaN(key);
    const last = this.keys[this.k - 1];
    return key > last || (key === last && index < this.indices[this.k - 1]);
  }

  /** Keeps (index, key) while it is among the k best offered; returns whether it was kept. */
  offer(index: number, key: number): boolean {
    if (!this.admits(index, key)) return false;
    const { keys, indices } = this;
    let at = this.size < this.k ? this.size++ : this.k - 1;
    while (at > 0 && (keys[at - 1] < key || (keys[at - 1] === key && indices[at - 1] > index))) {
      keys[at] = keys[at - 1];
      indices[at] = indices[at - 1];
      at--;
    }
    keys[at] = key;
    indices[at] = index;
    return true;
  }

  /** The kept items, best first. */
  entries(): Ranked[] {
    return Array.from({ length: this.size }, (_, i) => ({ index: this.indices[i], key: this.keys[i] }));
  }

  /** The kept indices, best first. */
  best(): number[] {
    return Array.from(this.indices.subarray(0, this.size));
  }
}

/**
 * The k best of keys[0..n) (NaN keys and indices `skip` says yes to left out), best first. `skip` is asked
 * only about items that would enter the list, so it can be a costlier lookup than the comparison.
 */
export function topOf(keys: ArrayLike<number>, k: number, skip?: (index: number) => boolean): Ranked[] {
  const top = new TopK(k);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (!top.admits(i, key) || skip?.(i)) continue;
    top.offer(i, key);
  }
  return top.entries();
}

/**
 * Many lists of the `width` largest values in one flat array (list i at values[i·width …]), largest first,
 * for keeping thousands of short lists without an object each (watch-prices.ts keeps one per band movie).
 * Inserts `value` into the list at `base` (the smallest falls off) and returns the list's new smallest:
 * callers compare with it first, as with TopK.admits. Values only; equal ones keep their arrival order.
 */
export function insertLargest(values: Float64Array, base: number, width: number, value: number): number {
  let at = width - 1;
  while (at > 0 && values[base + at - 1] < value) {
    values[base + at] = values[base + at - 1];
    at--;
  }
  values[base + at] = value;
  return values[base + width - 1];
}

/** The k best of `indices` by keys[index] (NaN left out), best first: the best rows of a subset. */
export function topIndicesBy(indices: ArrayLike<number>, keys: ArrayLike<number>, k: number): number[] {
  const top = new TopK(k);
  for (let i = 0; i < indices.length; i++) top.offer(indices[i], keys[indices[i]]);
  return top.best();
}
