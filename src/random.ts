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
