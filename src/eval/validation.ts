/**
 * A validation split carved from the training rows only (issue 14, "Honest statistics"): hyperparameters
 * are chosen on it, never on the test file, which a tuning run does not even read. A seeded 80/20 cut of
 * the train rows, like `split --seed` cuts the whole dataset; the validation seed is salted so the cut
 * never lines up with a test split made with the same seed.
 */
import type { RatingTable } from '../data/types.ts';
import { createRng } from '../random.ts';

export const VALIDATION_SHARE = 0.2;
const SALT = 0x5eed;

export function validationSplit(
  train: RatingTable,
  seed: number,
  share = VALIDATION_SHARE,
): { train: RatingTable; validation: RatingTable } {
  if (!(share > 0 && share < 1)) throw new RangeError(`the validation share must be in (0, 1), got ${share}`);
  const rng = createRng(validationSeed(seed));
  const fit: number[] = [];
  const held: number[] = [];
  for (let i = 0; i < train.ratings.length; i++) (rng() < share ? held : fit).push(i);
  return { train: rows(train, fit), validation: rows(train, held) };
}

function rows(table: RatingTable, keep: readonly number[]): RatingTable {
  return {
    userIds: Int32Array.from(keep, (i) => table.userIds[i]),
    movieIds: Int32Array.from(keep, (i) => table.movieIds[i]),
    ratings: Float32Array.from(keep, (i) => table.ratings[i]),
  };
}

/** The seed a validation run uses in place of `seed` (salted: never the test run's draw). */
export function validationSeed(seed: number): number {
  return (seed ^ SALT) >>> 0;
}
