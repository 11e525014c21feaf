/** Small generated rating tables with known structure, for fast DNMF tests. */
import type { RatingTable } from '../../src/data/types.ts';
import { createRandom, normal } from '../../src/train/dnmf/random.ts';

export interface Rating {
  userId: number;
  movieId: number;
  rating: number;
}

export function table(rows: Rating[]): RatingTable {
  return {
    userIds: Int32Array.from(rows, (r) => r.userId),
    movieIds: Int32Array.from(rows, (r) => r.movieId),
    ratings: Float32Array.from(rows, (r) => r.rating),
  };
}

export function rows(t: RatingTable): Rating[] {
  return Array.from(t.ratings, (rating, i) => ({ userId: t.userIds[i], movieId: t.movieIds[i], rating }));
}

/**
 * Ratings from a rank-2 taste model plus user and movie offsets and a little noise, rounded to the
 * half-star scale: most of the variance is interaction, so a model of biases alone cannot fit it.
 * Ids are sparse (users 1001.., movies 7, 14, ..) to catch id/row mix-ups.
 */
export function lowRankRatings(options: {
  users: number;
  movies: number;
  density: number;
  seed: number;
}): RatingTable {
  const random = createRandom(options.seed);
  const factors = (n: number): number[][] =>
    Array.from({ length: n }, () => [normal(random), normal(random)]);
  const userTaste = factors(options.users);
  const movieTaste = factors(options.movies);
  const userOffset = Array.from({ length: options.users }, () => 0.3 * normal(random));
  const movieOffset = Array.from({ length: options.movies }, () => 0.3 * normal(random));
  const out: Rating[] = [];
  for (let u = 0; u < options.users; u++) {
    for (let m = 0; m < options.movies; m++) {
      if (random() >= options.density) continue;
      const dot = userTaste[u][0] * movieTaste[m][0] + userTaste[u][1] * movieTaste[m][1];
      const raw = 3.2 + userOffset[u] + movieOffset[m] + 0.7 * dot + 0.2 * normal(random);
      const rating = Math.min(5, Math.max(0.5, Math.round(raw * 2) / 2));
      out.push({ userId: 1001 + u, movieId: 7 * (m + 1), rating });
    }
  }
  return table(out);
}

/** Deterministic split: every fifth row (by a seeded draw) goes to test. */
export function splitRows(
  t: RatingTable,
  testShare: number,
  seed: number,
): { train: RatingTable; test: RatingTable } {
  const random = createRandom(seed);
  const train: Rating[] = [];
  const test: Rating[] = [];
  for (const r of rows(t)) (random() < testShare ? test : train).push(r);
  return { train: table(train), test: table(test) };
}
