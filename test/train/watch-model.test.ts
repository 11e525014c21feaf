/**
 * The watch model on planted data: two audiences who watch disjoint halves of the movies (stars random, so
 * only who-watched-what separates them). Movies of one audience must be closer to each other than across.
 */
import { describe, expect, it } from 'vitest';
import type { RatingTable } from '../../src/data/types.ts';
import { createRng } from '../../src/random.ts';
import {
  trainPricedWatchModel,
  trainWatchModel,
  trainWatchModelInWorker,
} from '../../src/train/watch-model.ts';
import { decodeWatchVectors, encodeWatchVectors } from '../../src/artifacts/watch-vectors.ts';

function twoAudiences(): RatingTable {
  const rng = createRng(3);
  const users: number[] = [];
  const movies: number[] = [];
  const ratings: number[] = [];
  for (let u = 1; u <= 80; u++) {
    const half = u % 2;
    for (let m = 1; m <= 40; m++) {
      if (m % 2 !== half || rng() > 0.5) continue;
      users.push(u);
      movies.push(m);
      ratings.push(0.5 + Math.floor(rng() * 10) / 2);
    }
  }
  // Movie 99 is rated by 3 users only: below minRatings, so it gets no vector.
  for (const u of [1, 2, 3]) {
    users.push(u);
    movies.push(99);
    ratings.push(4);
  }
  return {
    userIds: Int32Array.from(users),
    movieIds: Int32Array.from(movies),
    ratings: Float32Array.from(ratings),
  };
}

describe('trainWatchModel', () => {
  const model = trainWatchModel(twoAudiences(), { dim: 8, lambda: 5, iterations: 8, minRatings: 5 });
  const vector = (movieId: number) => {
    const i = model.movieIds.indexOf(movieId);
    return model.vectors.subarray(i * model.dim, (i + 1) * model.dim);
  };
  const cosine = (a: number, b: number) => vector(a).reduce((sum, x, k) => sum + x * vector(b)[k], 0);

  it('places movies of the same audience closer than movies of different audiences', () => {
    let same = 0;
    let across = 0;
    for (let a = 1; a <= 40; a++) {
      for (let b = a + 1; b <= 40; b++) {
        if ((a - b) % 2 === 0) same += cosine(a, b) / 380;
        else across += cosine(a, b) / 400;
      }
    }
    expect(same).toBeGreaterThan(0.5);
    expect(across).toBeLessThan(same - 0.5);
  });

  it('stores unit vectors for movies with at least minRatings ratings, ids ascending', () => {
    expect([...model.movieIds]).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let m = 1; m <= 40; m++) expect(Math.hypot(...vector(m))).toBeCloseTo(1, 5);
  });

  it('is deterministic for a seed and refuses options out of range', () => {
    const again = trainWatchModel(twoAudiences(), { dim: 8, lambda: 5, iterations: 8, minRatings: 5 });
    expect(again.vectors).toEqual(model.vectors);
    expect(() => trainWatchModel(twoAudiences(), { lambda: 0 })).toThrow(/out of range/);
  });

  it('trains the same model on a worker thread (the pipeline runs it beside the DNMF)', async () => {
    const fallbacks: Error[] = [];
    const options = { dim: 8, lambda: 5, iterations: 8, minRatings: 5 };
    const inWorker = await trainWatchModelInWorker(twoAudiences(), options, (error) => fallbacks.push(error));
    expect(fallbacks).toEqual([]);
    expect(inWorker.movieIds).toEqual(model.movieIds);
    expect(inWorker.vectors).toEqual(model.vectors);
  });

  it('round-trips through watch-model.bin and refuses a damaged file', () => {
    const bytes = encodeWatchVectors(model);
    const back = decodeWatchVectors(bytes);
    expect(back.dim).toBe(8);
    expect(back.vectors).toEqual(model.vectors);
    const damaged = bytes.slice(0, bytes.length - 8);
    expect(() => decodeWatchVectors(damaged)).toThrow(/does not fit|floats/);
    const notFinite = bytes.slice();
    const view = decodeWatchVectors(notFinite);
    view.vectors[0] = Number.NaN;
    expect(() => decodeWatchVectors(notFinite)).toThrow(/non-finite/);
  });

  it('carries exposure prices when it has them, one per movie, finite and not negative', () => {
    const prices = Float32Array.from(model.movieIds, (_, i) => (i % 3) * 0.1);
    const bytes = encodeWatchVectors({ ...model, prices });
    expect(decodeWatchVectors(bytes).prices).toEqual(prices);
    expect(decodeWatchVectors(encodeWatchVectors(model)).prices).toBeUndefined();
    expect(() => decodeWatchVectors(encodeWatchVectors({ ...model, prices: prices.subarray(1) }))).toThrow(
      /one price per movie/,
    );
    const negative = prices.slice();
    negative[2] = -0.5;
    expect(() => decodeWatchVectors(encodeWatchVectors({ ...model, prices: negative }))).toThrow(/≥ 0/);
  });

  it('prices the gem band on the worker thread as on this one, when asked to', async () => {
    const pricing = {
      catalogIds: [1, 2, 3, 4, 5, 6],
      bandMovieIds: [...model.movieIds].filter((id) => id > 6),
    };
    const here = trainPricedWatchModel(twoAudiences(), { dim: 8 }, pricing);
    const there = await trainWatchModelInWorker(twoAudiences(), { dim: 8 }, undefined, pricing);
    expect(here.prices).toBeDefined();
    expect(there.prices).toEqual(here.prices);
    expect(there.priceOptions).toEqual(here.priceOptions);
    // Catalog movies are never priced.
    [...here.movieIds].forEach((id, i) => {
      if (id <= 6) expect(here.prices![i]).toBe(0);
    });
  });
});
