import { describe, expect, it } from 'vitest';
import { meanOverDraws, pairedBootstrap, quantile } from '../../src/eval/statistics.ts';
import { ratingTable } from '../support/dataset.ts';
import { validationSeed, validationSplit } from '../../src/eval/validation.ts';
import { createWatchFoldIn, topScored, unitFactors, watchFactorsOf } from '../../src/eval/watch-fold-in.ts';
import { factorOf } from '../../src/model/taste-fold-in.ts';
import { solveSymmetric } from '../../src/model/cholesky.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { buildServerList, expectedRandomNdcg, scoreServerLists } from '../../src/eval/server-list.ts';
import { ndcgAtK } from '../../src/eval/metrics.ts';
import { createRng } from '../../src/random.ts';

describe('paired bootstrap', () => {
  it('brackets the mean difference and is reproducible for a seed', () => {
    const a = [3, 1, 2, 4, 0, 2, 3, 1, 2, 2];
    const b = [1, 1, 0, 2, 0, 1, 1, 0, 1, 1];
    const c = pairedBootstrap(a, b, { seed: 5, resamples: 1000 });
    expect(c.meanA).toBe(2);
    expect(c.meanB).toBe(0.8);
    expect(c.difference).toBeCloseTo(1.2, 12);
    expect(c.ratio).toBeCloseTo(2.5, 12);
    // Every per-user difference is 0, 1 or 2: the interval lies inside [0, 2] and around the mean.
    expect(c.low).toBeGreaterThan(0.5);
    expect(c.low).toBeLessThan(1.2);
    expect(c.high).toBeGreaterThan(1.2);
    expect(c.high).toBeLessThan(1.8);
    expect(pairedBootstrap(a, b, { seed: 5, resamples: 1000 })).toEqual(c);
  });

  it('gives a zero-width interval when every user differs by the same amount, and includes 0 for noise', () => {
    const same = pairedBootstrap([5, 6, 7], [4, 5, 6], { seed: 1, resamples: 200 });
    expect([same.low, same.difference, same.high]).toEqual([1, 1, 1]);
    const noise = pairedBootstrap([1, 0, 1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1, 0, 1], {
      seed: 2,
      resamples: 500,
    });
    expect(noise.difference).toBe(0);
    expect(noise.low).toBeLessThan(0);
    expect(noise.high).toBeGreaterThan(0);
    expect(pairedBootstrap([1, 2], [0, 0], { seed: 1, resamples: 10 }).ratio).toBeNull();
  });

  it('refuses unpaired or empty input', () => {
    expect(() => pairedBootstrap([1, 2], [1], { seed: 1 })).toThrow('equal lengths');
    expect(() => pairedBootstrap([], [], { seed: 1 })).toThrow('at least one user');
    expect(() => pairedBootstrap([1], [1], { seed: 1, resamples: 0 })).toThrow('resamples');
  });

  it('interpolates quantiles and averages draws per user', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
    expect(
      meanOverDraws([
        [1, 2],
        [3, 6],
      ]),
    ).toEqual([2, 4]);
  });
});

describe('validation split', () => {
  it('cuts the train rows only, about a fifth held, every row once, the same for a seed', () => {
    const rows: [number, number, number][] = Array.from({ length: 1000 }, (_, i) => [i % 37, i, 3]);
    const table = ratingTable(rows);
    const { train, validation } = validationSplit(table, 1);
    expect(train.ratings.length + validation.ratings.length).toBe(1000);
    expect(validation.ratings.length).toBeGreaterThan(150);
    expect(validation.ratings.length).toBeLessThan(250);
    const ids = [...train.movieIds, ...validation.movieIds].sort((a, b) => a - b);
    expect(ids).toEqual(rows.map((r) => r[1]));
    expect(validationSplit(table, 1).validation.movieIds).toEqual(validation.movieIds);
    expect(validationSplit(table, 2).validation.movieIds).not.toEqual(validation.movieIds);
    expect(validationSeed(7)).not.toBe(7);
  });
});

describe('implicit fold-in against fixed movie factors', () => {
  it('solves a symmetric positive definite system (the serving Cholesky, shared)', () => {
    const a = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const x = solveSymmetric(Float64Array.from(a), Float64Array.from([1, 2, 3]), 3);
    for (let i = 0; i < 3; i++) {
      const row = a[i * 3] * x[0] + a[i * 3 + 1] * x[1] + a[i * 3 + 2] * x[2];
      expect(row).toBeCloseTo([1, 2, 3][i], 10);
    }
  });

  it('ranks the movies that point where the told ones do first', () => {
    // Movies 1–3 along the first axis, 4–6 along the second.
    const foldIn = createWatchFoldIn(
      unitFactors(
        2,
        Int32Array.from([1, 2, 3, 4, 5, 6]),
        Float32Array.from([1, 0, 0.9, 0.1, 0.8, 0, 0, 1, 0.1, 0.9, 0, 0.8]),
        0.1,
        10,
      ),
    );
    const candidates = [2, 3, 4, 5, 6, 99];
    const scores = foldIn.score([1], candidates);
    expect(scores[5]).toBeNaN();
    expect(topScored(candidates, scores, 2, () => false)).toEqual([2, 3]);
    expect(topScored(candidates, foldIn.score([4], candidates), 2, (id) => id === 5)).toEqual([4, 6]);
    // Nothing known told: no preference.
    expect([...foldIn.score([99], [1, 2])]).toEqual([0, 0]);
  });
});

describe('the watch factors a version offers the fold-in', () => {
  const version = (foldIn?: object) =>
    ({
      manifest: { version: 'v', watch: { hyperparameters: { lambda: 10, alpha: 5 } } },
      watch: {
        dim: 2,
        movieIds: Int32Array.from([1, 2]),
        vectors: Float32Array.from([1, 0, 0, 1]),
        ...(foldIn ? { foldIn } : {}),
      },
    }) as unknown as Pick<Artifacts, 'watch' | 'manifest'>;

  it('uses the fitted factors and YᵀY when the version stores them, the unit vectors otherwise', () => {
    const exact = watchFactorsOf(
      version({
        norms: Float32Array.from([2, 3]),
        gramian: Float64Array.from([4, 0, 0, 9]),
        lambda: 1,
        alpha: 2,
      }),
    );
    expect(exact).toMatchObject({ normalised: false, lambda: 1, alpha: 2 });
    const factors = (f: typeof exact) =>
      [0, 1].flatMap((row) => [...factorOf(f.watch, row, new Float64Array(2))]);
    expect(factors(exact)).toEqual([2, 0, 0, 3]);
    expect([...exact.watch.foldIn.gramian]).toEqual([4, 0, 0, 9]);
    const unit = watchFactorsOf(version());
    expect(unit).toMatchObject({ normalised: true, lambda: 10, alpha: 5 });
    expect(factors(unit)).toEqual([1, 0, 0, 1]);
    expect([...unit.watch.foldIn.gramian]).toEqual([1, 0, 0, 1]);
  });
});

describe('server list', () => {
  it('expects the nDCG a random order gets on average', () => {
    const rng = createRng(3);
    const list = Array.from({ length: 8 }, (_, i) => i);
    const relevant = new Set([0, 1, 2]);
    let sum = 0;
    const trials = 20_000;
    for (let t = 0; t < trials; t++) {
      const order = [...list];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      sum += ndcgAtK(order, relevant, 5);
    }
    expect(expectedRandomNdcg(8, 3, 5)).toBeCloseTo(sum / trials, 2);
    expect(expectedRandomNdcg(20, 0, 5)).toBe(0);
    expect(expectedRandomNdcg(5, 5, 5)).toBeCloseTo(1, 12);
  });

  it('holds liked movies and popularity-matched others, and scores rankers against random order', () => {
    const pool = Array.from({ length: 200 }, (_, i) => i + 1);
    const count = (movieId: number) => movieId;
    const liked = new Set([50, 150, 151, 152, 153, 154, 500]);
    const told = new Set([49, 51]);
    const list = buildServerList(liked, told, pool, count, createRng(4));
    expect(list.movieIds).toHaveLength(20);
    expect(new Set(list.movieIds).size).toBe(20);
    // Five liked ones of the pool (500 is not in it), the others neither liked nor told.
    expect(list.relevant.size).toBe(5);
    expect(list.relevant.has(500)).toBe(false);
    for (const movieId of list.movieIds) {
      expect(told.has(movieId)).toBe(false);
      if (!list.relevant.has(movieId)) expect(liked.has(movieId)).toBe(false);
    }
    // Others lie near a liked movie's count (window 40 around it).
    const anchors = [...list.relevant];
    for (const movieId of list.movieIds)
      expect(Math.min(...anchors.map((a) => Math.abs(a - movieId)))).toBeLessThanOrEqual(41);

    const perfect = (_: unknown, movieIds: readonly number[]) =>
      [...movieIds].sort((a, b) => Number(list.relevant.has(b)) - Number(list.relevant.has(a)));
    const scores = scoreServerLists([list], [[]], { perfect, kept: (_, ids) => [...ids] }, 5);
    expect(scores.perfect).toEqual([1]);
    expect(scores.random[0]).toBeCloseTo(expectedRandomNdcg(20, 5, 5), 12);
    expect(() => scoreServerLists([list], [[]], { short: (_, ids) => ids.slice(1) }, 5)).toThrow(
      'not return a permutation',
    );
  });
});
