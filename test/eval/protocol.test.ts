import { describe, expect, it } from 'vitest';
import { cosineFromSources } from '../../src/eval/cosine.ts';
import { pickSensitivity, randomTriples } from '../../src/eval/measure.ts';
import {
  cosineBandMethod,
  mostRatedMethod,
  randomBandMethod,
  type TrainingFacts,
} from '../../src/eval/methods.ts';
import { qualifyingUsers, withoutUsers } from '../../src/eval/protocol.ts';
import { createRng } from '../../src/random.ts';
import { ratingTable } from '../support/dataset.ts';

// Catalog in rank order: 100 (rank 1), 101, 102, 103. Everything else is outside it.
const CATALOG = [100, 101, 102, 103];

describe('who qualifies, with which picks and relevant movies', () => {
  const train = ratingTable([
    // User 1: four catalog movies, 101 and 103 tie at 4 → the better-ranked 101 is picked before 103.
    [1, 100, 5],
    [1, 103, 4],
    [1, 101, 4],
    [1, 102, 2],
    [1, 7, 3],
    // User 2: only two catalog movies in train → does not qualify.
    [2, 100, 5],
    [2, 101, 5],
    // User 3: three catalog movies but no liked non-catalog test movie → does not qualify.
    [3, 100, 4],
    [3, 101, 4],
    [3, 102, 4],
  ]);
  const test = ratingTable([
    [1, 8, 4],
    [1, 9, 3.5],
    [1, 102, 5], // in the catalog: never relevant
    [1, 10, 5],
    [2, 8, 5],
    [3, 8, 3.5],
    [3, 103, 5],
  ]);

  it('selects users, picks their best-rated catalog movies, and keeps relevant = liked test movies outside the catalog', () => {
    const users = qualifyingUsers(train, test, CATALOG);
    expect(users.map((u) => u.userId)).toEqual([1]);
    const [user] = users;
    expect(user.picks).toEqual([100, 101, 103]);
    expect([...user.relevant].sort((a, b) => a - b)).toEqual([8, 10]);
    expect([...user.trainMovies].sort((a, b) => a - b)).toEqual([7, 100, 101, 102, 103]);
    expect(user.trainRatings).toContainEqual({ movieId: 7, rating: 3 });
  });

  it('drops the rows of given users (the fold-in model never sees them)', () => {
    const rest = withoutUsers(train, new Set([1, 3]));
    expect([...rest.userIds]).toEqual([2, 2]);
    expect([...rest.movieIds]).toEqual([100, 101]);
  });
});

describe('baselines', () => {
  // Users 1–3 rate movies; 100 and 101 are catalog picks. Movie 5 is co-rated with 100 exactly like 100
  // itself (cosine 1); movie 6 only with 101.
  const train = ratingTable([
    [1, 100, 4],
    [1, 5, 4],
    [2, 100, 2],
    [2, 5, 2],
    [3, 101, 5],
    [3, 6, 1],
    [3, 7, 3],
    [1, 7, 1],
    [2, 7, 1],
  ]);
  const counts = new Map<number, number>();
  for (const movieId of train.movieIds) counts.set(movieId, (counts.get(movieId) ?? 0) + 1);
  const facts: TrainingFacts = {
    counts,
    catalog: new Set([100, 101]),
    cosine: cosineFromSources(train, [100, 101]),
  };

  it('computes exact cosine similarities of raw rating vectors', () => {
    expect(facts.cosine.similarity(100, 5)).toBeCloseTo(1, 12);
    expect(facts.cosine.similarity(101, 6)).toBeCloseTo(1, 12);
    expect(facts.cosine.similarity(100, 6)).toBe(0);
    // 100 = (4, 2, 0), 7 = (1, 1, 3) over users 1–3.
    expect(facts.cosine.similarity(100, 7)).toBeCloseTo(6 / (Math.sqrt(20) * Math.sqrt(11)), 12);
    expect(facts.cosine.similarity(999, 7)).toBe(0);
  });

  it('ranks by summed cosine, by rating count, and draws at random from the band', () => {
    const band = { min: 1, max: 3 };
    const cosine = cosineBandMethod(facts, band, 2);
    // Sums: 7 → 0.4045 + 0.9045 (close to both picks) beats 5 → 1 + 0 and 6 → 0 + 1 (tie: lower id).
    const ranked = (exclude: Set<number>) =>
      cosine.answer([100, 101], exclude, createRng(1))['cosine-band'].map((s) => s.movieId);
    expect(ranked(new Set())).toEqual([7, 5]);
    // Excluded movies are never served.
    expect(ranked(new Set([5]))).toEqual([7, 6]);
    const most = mostRatedMethod(facts, 2);
    expect(most.answer([100], new Set(), createRng(1))['most-rated'].map((s) => s.movieId)).toEqual([7, 5]);
    const random = randomBandMethod(facts, { min: 2, max: 2 }, 5);
    const drawn = random.answer([100], new Set(), createRng(3))['random-band'].map((s) => s.movieId);
    // Band 2–2 holds exactly movie 5 (2 ratings) among non-catalog movies.
    expect(drawn).toEqual([5]);
  });

  it('measures pick sensitivity: a pick-blind list overlaps fully, a pick-driven one not at all', () => {
    // Triples of one repeated pick keep the arithmetic visible: 100 leads to 5, 101 to 6.
    const sixes = [[100, 100, 100, 101, 101, 101]];
    const most = pickSensitivity(mostRatedMethod(facts, 2), sixes, 1).get('most-rated')!;
    expect(most).toEqual({ pairs: 1, meanJaccard: 1 });
    const cosine = pickSensitivity(cosineBandMethod(facts, { min: 1, max: 2 }, 1), sixes, 1).get(
      'cosine-band',
    )!;
    expect(cosine.meanJaccard).toBe(0);
  });

  it('draws triples of distinct catalog movies, the same for the same seed', () => {
    const catalog = Array.from({ length: 10 }, (_, i) => i + 1);
    const triples = randomTriples(catalog, 50, createRng(4));
    for (const triple of triples) expect(new Set(triple).size).toBe(3);
    expect(randomTriples(catalog, 50, createRng(4))).toEqual(triples);
    expect(() => randomTriples([1, 2], 1, createRng(1))).toThrow('no 3 distinct movies');
  });
});
