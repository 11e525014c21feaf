/** Small seedable PRNG: random per request in production, reproducible in tests and training. */

/** Returns a float in [0, 1), like Math.random. */
export type Rng = () => number;

/**
 * mulberry32: 32-bit state, fast, and good enough for choosing among a few dozen candidates.
 * Without a seed it is seeded from Math.random, so every request differs.
 */
export function createRng(seed?: number): Rng {
  let state = (seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place: every order equally likely. */
export function shuffleInPlace<T>(values: T[], rng: Rng): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

/** k distinct values drawn uniformly (a partial Fisher–Yates over a copy); all of them when k ≥ length. */
export function sampleDistinct<T>(values: readonly T[], k: number, rng: Rng): T[] {
  const pool = [...values];
  const size = Math.min(k, pool.length);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rng() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, size);
}
