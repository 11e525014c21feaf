/** Seeded randomness, so the same seed gives the same split, initialisation and batch order. */
import { createRng, type Rng } from '../../random.ts';

/** The project's one seeded generator (mulberry32); a seed is required here, for reproducible training. */
export const createRandom = (seed: number): Rng => createRng(seed);

/** Standard normal sample (Box–Muller). */
export function normal(random: () => number): number {
  const u = 1 - random(); // in (0, 1], so log(u) is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(values: Int32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
}
