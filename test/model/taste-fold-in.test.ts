/**
 * The MF path's fold-in is exact: a member's vector solves the same system a training sweep solves for a
 * user, (Σ_m c_m y_m y_mᵀ + λI) x = Σ_{m rated} c_m y_m with c = 1 + α for rated movies and 1 otherwise,
 * checked here against that system built naively over every movie; each rated movie's share of a score sums
 * to the score; and what the fold-in needs survives watch-model.bin, which refuses it damaged.
 */
import { describe, expect, it } from 'vitest';
import type { RatingTable } from '../../src/data/types.ts';
import type { WatchVectors } from '../../src/artifacts/types.ts';
import { decodeWatchVectors, encodeWatchVectors } from '../../src/artifacts/watch-vectors.ts';
import { createRng } from '../../src/random.ts';
import { factorOf, foldInTaste, sharesOf, type FoldableWatch } from '../../src/model/taste-fold-in.ts';
import { trainWatchModel } from '../../src/train/watch-model.ts';

function ratings(): RatingTable {
  const rng = createRng(9);
  const users: number[] = [];
  const movies: number[] = [];
  for (let u = 1; u <= 60; u++)
    for (let m = 1; m <= 30; m++)
      if (rng() < (m % 3 === u % 3 ? 0.6 : 0.15)) {
        users.push(u);
        movies.push(m);
      }
  return {
    userIds: Int32Array.from(users),
    movieIds: Int32Array.from(movies),
    ratings: Float32Array.from(users, () => 4),
  };
}

const model = trainWatchModel(ratings(), { dim: 6, lambda: 3, alpha: 8, iterations: 6, minRatings: 5 });
const watch: FoldableWatch = {
  dim: model.dim,
  movieIds: model.movieIds,
  vectors: model.vectors,
  foldIn: { norms: model.norms, gramian: model.gramian, lambda: 3, alpha: 8 },
};
const rowOf = (movieId: number) => model.movieIds.indexOf(movieId);
const rated = [3, 6, 9, 12, 20].map((movieId, i) => ({ row: rowOf(movieId), movieId, rating: 1 + i }));

describe('the MF path fold-in (taste-fold-in.ts)', () => {
  const folded = foldInTaste(watch, rated)!;
  const d = watch.dim;
  const y = (row: number) => factorOf(watch, row, new Float64Array(d));

  it("solves the training sweep's own system for the member, built here over every movie", () => {
    const ratedRows = new Set(rated.map((r) => r.row));
    const a = new Float64Array(d * d);
    const b = new Float64Array(d);
    for (let row = 0; row < model.movieIds.length; row++) {
      const c = ratedRows.has(row) ? 1 + 8 : 1;
      const v = y(row);
      for (let i = 0; i < d; i++) {
        if (ratedRows.has(row)) b[i] += c * v[i];
        for (let j = 0; j < d; j++) a[i * d + j] += c * v[i] * v[j];
      }
    }
    for (let i = 0; i < d; i++) a[i * d + i] += 3;
    for (let i = 0; i < d; i++) {
      let ax = 0;
      for (let j = 0; j < d; j++) ax += a[i * d + j] * folded.x[j];
      expect(ax).toBeCloseTo(b[i], 4);
    }
    // And the stars do not enter: the MF path models who watched what.
    const otherStars = foldInTaste(
      watch,
      rated.map((r) => ({ ...r, rating: 5 })),
    )!;
    expect([...otherStars.x]).toEqual([...folded.x]);
  });

  it("splits a movie's score exactly into one share per rated movie", () => {
    const row = rowOf(15);
    const v = y(row);
    const score = folded.x.reduce((sum, x, k) => sum + x * v[k], 0);
    const shares = sharesOf(watch, folded, row);
    expect(shares.length).toBe(rated.length);
    expect(shares.reduce((sum, s) => sum + s, 0)).toBeCloseTo(score, 6);
    expect(Math.abs(score)).toBeGreaterThan(1e-3);
  });

  it('scores movies of the members’ own audience above the others', () => {
    // Rated 3, 6, 9, 12 (audience m % 3 === 0) and 20: the audience's unrated movies come first.
    const scores = [...model.movieIds].map((movieId, row) => ({
      movieId,
      score: folded.x.reduce((sum, x, k) => sum + x * y(row)[k], 0),
    }));
    const unrated = scores.filter((s) => !rated.some((r) => r.movieId === s.movieId));
    unrated.sort((p, q) => q.score - p.score);
    expect(unrated.slice(0, 4).every((s) => s.movieId % 3 === 0)).toBe(true);
  });

  it('is undefined for a member the MF path knows no movie of', () => {
    expect(foldInTaste(watch, [])).toBeUndefined();
  });

  it('keeps what the fold-in needs through watch-model.bin, and refuses it damaged', () => {
    const stored: WatchVectors = { ...watch };
    const back = decodeWatchVectors(encodeWatchVectors(stored));
    expect(back.foldIn?.norms).toEqual(model.norms);
    expect(back.foldIn?.gramian).toEqual(model.gramian);
    expect([back.foldIn?.lambda, back.foldIn?.alpha]).toEqual([3, 8]);
    // A file from before the fold-in: vectors only, still served (/foryou then ranks by the DNMF).
    expect(decodeWatchVectors(encodeWatchVectors({ ...watch, foldIn: undefined })).foldIn).toBeUndefined();
    const asymmetric = Float64Array.from(model.gramian);
    asymmetric[1] += 1;
    expect(() =>
      decodeWatchVectors(encodeWatchVectors({ ...watch, foldIn: { ...watch.foldIn, gramian: asymmetric } })),
    ).toThrow(/symmetric/);
    expect(() =>
      decodeWatchVectors(
        encodeWatchVectors({ ...watch, foldIn: { ...watch.foldIn, norms: model.norms.subarray(1) } }),
      ),
    ).toThrow(/one norm per movie/);
    expect(() =>
      decodeWatchVectors(encodeWatchVectors({ ...watch, foldIn: { ...watch.foldIn, lambda: 0 } })),
    ).toThrow(/lambda and alpha/);
  });
});
