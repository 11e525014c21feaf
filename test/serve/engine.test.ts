import { describe, expect, it } from 'vitest';
import { createEngine, recommend } from '../../src/serve/engine.ts';
import { RecommendError } from '../../src/serve/recommend-error.ts';
import type { Recommendation, Recommendations } from '../../src/serve/recommendation.ts';
import { createRng } from '../../src/random.ts';
import {
  HAND_DNMF,
  HAND_PICKS,
  HAND_SIMILARITY,
  RANDOM_CATALOG,
  SPARSE_FALLBACK_IDS,
  SPARSE_KNN_IDS,
  SPARSE_PICKS,
  buildArtifacts,
  handArtifacts,
  randomArtifacts,
  range,
  sparseArtifacts,
  type FixtureArtifacts,
} from './fixtures.ts';

/** These tests pin down the legacy 'fan-tables' method (fold-in-engine.test.ts covers the default). */
const LEGACY = { method: 'fan-tables' } as const;

const ids = (list: Recommendation[]) => list.map((item) => item.movieId);
const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b);

describe('recommend on the hand fixture', () => {
  const artifacts = handArtifacts();
  const engine = createEngine(artifacts, LEGACY);

  it('returns exactly the five non-catalog kNN movies and the five reachable DNMF movies', () => {
    for (let seed = 0; seed < 50; seed++) {
      const result = engine.recommend([...HAND_PICKS], { rng: createRng(seed) });
      expect(sorted(ids(result.popularPicks))).toEqual([11, 12, 13, 14, 15]);
      expect(sorted(ids(result.hiddenGems))).toEqual([21, 22, 23, 24, 25]);
    }
  });

  it('gives each kNN result the similarity (1 − distance) to the pick it came from', () => {
    for (let seed = 0; seed < 50; seed++) {
      const result = engine.recommend([...HAND_PICKS], { rng: createRng(seed) });
      for (const { movieId, reason } of result.popularPicks) {
        if (reason.kind !== 'knn') throw new Error(`expected a knn reason, got ${reason.kind}`);
        expect(reason.similarity).toBeCloseTo(HAND_SIMILARITY[reason.pickId][movieId], 12);
        expect(reason.similarity).toBeCloseTo(1 - artifacts.knn.distance(reason.pickId, movieId)!, 12);
      }
    }
  });

  it('reports the neighbour rank within the pick’s neighbour list', () => {
    // Pick 1's neighbours by distance: 11 (0.8), 4 (0.707), 14 (2/3), 12 (0.6), then similarity 0 for the rest.
    const rankOf = new Map<number, number>();
    for (let seed = 0; seed < 100; seed++) {
      for (const { movieId, reason } of engine.recommend([...HAND_PICKS], { rng: createRng(seed) })
        .popularPicks) {
        if (reason.kind === 'knn' && reason.pickId === 1) rankOf.set(movieId, reason.neighbourRank);
      }
    }
    expect(rankOf.get(11)).toBe(1);
    expect(rankOf.get(14)).toBe(3);
    expect(rankOf.get(12)).toBe(4);
  });

  it('gives each DNMF result the matched users and their mean predicted rating', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const result = engine.recommend([...HAND_PICKS], { rng: createRng(seed) });
      for (const { movieId, reason } of result.hiddenGems) {
        if (reason.kind !== 'dnmf') throw new Error(`expected a dnmf reason, got ${reason.kind}`);
        const expected = HAND_DNMF[reason.pickId][movieId];
        expect(expected, `movie ${movieId} attributed to pick ${reason.pickId}`).toBeDefined();
        expect(reason.userIds).toEqual(expected.userIds);
        expect(reason.predictedRating).toBeCloseTo(expected.predictedRating, 10);
        seen.add(`${reason.pickId}:${movieId}`);
      }
    }
    // Movies only one pick leads to are always attributed to it.
    expect(seen).toContain('1:22');
    expect(seen).toContain('2:24');
    expect(seen).toContain('2:25');
    expect([...seen].some((key) => key.endsWith(':23'))).toBe(true);
  });

  it('balances the kNN list over the picks: two, two and one', () => {
    const firstPicks = new Set<number>();
    for (let seed = 0; seed < 50; seed++) {
      const result = engine.recommend([...HAND_PICKS], { rng: createRng(seed) });
      const perPick = HAND_PICKS.map(
        (pick) =>
          result.popularPicks.filter((item) => item.reason.kind === 'knn' && item.reason.pickId === pick)
            .length,
      );
      expect(sorted(perPick)).toEqual([1, 2, 2]);
      firstPicks.add(perPick.indexOf(1));
    }
    // Which pick gets only one varies with the seed.
    expect(firstPicks.size).toBe(3);
  });

  it('orders each list by pick, best first within a pick', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { popularPicks } = engine.recommend([3, 1, 2], { rng: createRng(seed) });
      const keys = popularPicks.map((item) => {
        if (item.reason.kind !== 'knn') throw new Error('expected knn');
        return [[3, 1, 2].indexOf(item.reason.pickId), -item.reason.similarity];
      });
      const expected = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      expect(keys).toEqual(expected);
    }
  });

  it('carries the movie metadata with each result', () => {
    const result = engine.recommend([...HAND_PICKS], { rng: createRng(1) });
    for (const item of [...result.popularPicks, ...result.hiddenGems]) {
      expect(item.movie).toBe(artifacts.movies.get(item.movieId));
    }
    expect(result.picks).toEqual([1, 2, 3]);
  });

  it('is reproducible with a seed and uses fresh randomness without one', () => {
    const first = engine.recommend([...HAND_PICKS], { rng: createRng(42) });
    const again = engine.recommend([...HAND_PICKS], { rng: createRng(42) });
    expect(again).toEqual(first);
    const unseeded = new Set<string>();
    for (let i = 0; i < 30; i++) unseeded.add(JSON.stringify(engine.recommend([...HAND_PICKS])));
    expect(unseeded.size).toBeGreaterThan(1);
  });

  it('the standalone recommend() matches the engine for the same seed', () => {
    expect(recommend(artifacts, [...HAND_PICKS], { rng: createRng(7) })).toEqual(
      createEngine(artifacts).recommend([...HAND_PICKS], { rng: createRng(7) }),
    );
  });
});

describe('recommend when lists run short', () => {
  it('widens the kNN search to 20 neighbours when the nearest 10 are all catalog movies', () => {
    const artifacts = sparseArtifacts();
    const result = createEngine(artifacts, LEGACY).recommend([...SPARSE_PICKS], { rng: createRng(3) });
    // Asked once each (the engine caches), and no wider: 20 already returns all 19 other kNN movies.
    expect(artifacts.knn.calls.filter((call) => call.movieId === 1)).toEqual([
      { movieId: 1, k: 10 },
      { movieId: 1, k: 20 },
    ]);
    expect(result.popularPicks).toHaveLength(5);
    for (const { movieId, reason } of result.popularPicks) {
      expect(SPARSE_KNN_IDS).toContain(movieId);
      expect(reason).toMatchObject({ kind: 'knn', pickId: 1 });
      if (reason.kind !== 'knn') continue;
      // Movie 41 sits at 20°, 47 at 26°: similarity cos(angle), rank 13…19 behind 12 catalog movies.
      const degrees = movieId - 21;
      expect(reason.similarity).toBeCloseTo(Math.cos((degrees * Math.PI) / 180), 12);
      expect(reason.neighbourRank).toBe(degrees - 7);
    }
  });

  it('takes the whole usersPerMovie row when the top users lead only to catalog movies, then falls back', () => {
    const artifacts = sparseArtifacts();
    const result = createEngine(artifacts, LEGACY).recommend([...SPARSE_PICKS], { rng: createRng(5) });
    expect(result.hiddenGems).toHaveLength(5);
    const fromModel = result.hiddenGems.filter((item) => item.reason.kind === 'dnmf');
    expect(fromModel.map((item) => [item.movieId, item.reason])).toEqual([
      [51, { kind: 'dnmf', pickId: 1, userIds: [211], predictedRating: 4.5 }],
      [52, { kind: 'dnmf', pickId: 1, userIds: [212], predictedRating: 4.4 }],
    ]);
    const fallbacks = result.hiddenGems.filter((item) => item.reason.kind === 'popular-fallback');
    expect(fallbacks).toHaveLength(3);
    for (const item of fallbacks) {
      expect(SPARSE_FALLBACK_IDS).toContain(item.movieId);
      // WR = (v·R + m·C) / (v + m) with v = 150, R = 4.4, m = 10, C = 3.5.
      expect(item.reason).toEqual({
        kind: 'popular-fallback',
        count: 150,
        mean: 4.4,
        weightedRating: (150 * 4.4 + 10 * 3.5) / 160,
      });
    }
  });

  it('fills both lists from popularity when no pick is in either model', () => {
    const artifacts = sparseArtifacts();
    const engine = createEngine(artifacts, LEGACY);
    // 2 and 3 (catalog) and 51 (outside it) are not in kNN and have no DNMF rows.
    const result = engine.recommend([2, 3, 51], { rng: createRng(9) });
    const all = [...result.popularPicks, ...result.hiddenGems];
    expect(all).toHaveLength(10);
    expect(new Set(ids(all)).size).toBe(10);
    for (const item of all) expect(item.reason.kind).toBe('popular-fallback');
    // The ten best movies outside the catalog are 61–75 (WR 4.34); nothing worse is needed.
    for (const movieId of ids(all)) expect(SPARSE_FALLBACK_IDS).toContain(movieId);
  });

  it('does not crash for a pick without a kNN entry; the other picks fill the list', () => {
    const artifacts = handArtifacts();
    // 21 has 20 ratings: no kNN entry, no DNMF row.
    expect(artifacts.knn.has(21)).toBe(false);
    for (let seed = 0; seed < 20; seed++) {
      const result = createEngine(artifacts, LEGACY).recommend([1, 2, 21], { rng: createRng(seed) });
      expect(sorted(ids(result.popularPicks))).toEqual([11, 12, 13, 14, 15]);
      expect(
        result.popularPicks.every((item) => item.reason.kind === 'knn' && item.reason.pickId !== 21),
      ).toBe(true);
      expect(ids(result.hiddenGems)).not.toContain(21);
      expect(result.hiddenGems).toHaveLength(5);
    }
  });

  it('gives a movie both models propose to one list only', () => {
    // Movie 11 is pick 1's nearest kNN neighbour and also user 101's top DNMF movie.
    const artifacts = handArtifacts();
    artifacts.moviesPerUser.get(101)!.unshift({ id: 11, score: 5 });
    for (let seed = 0; seed < 30; seed++) {
      const result = createEngine(artifacts, LEGACY).recommend([...HAND_PICKS], { rng: createRng(seed) });
      const all = ids([...result.popularPicks, ...result.hiddenGems]);
      expect(all).toHaveLength(10);
      expect(new Set(all).size).toBe(10);
    }
  });

  it('throws not-enough-movies when the artifacts cannot fill ten slots', () => {
    const artifacts = buildArtifacts({
      movies: range(1, 8).map((movieId) => ({ movieId })),
      catalog: [1, 2, 3],
    });
    expect(() => createEngine(artifacts, LEGACY).recommend([1, 2, 3])).toThrowError(
      expect.objectContaining({ code: 'not-enough-movies' }),
    );
  });
});

describe('recommend properties over random fixtures, seeds and pick triples', () => {
  /** Random fixtures exercise the models; the hand and sparse ones also exercise widening and fallbacks. */
  function expectGuarantees(
    options: Parameters<typeof createEngine>[1],
    check?: (artifacts: FixtureArtifacts, picks: number[], result: Recommendations) => void,
  ): void {
    const fixtures = [
      ...[1, 2, 3, 4].map((seed) => ({ artifacts: randomArtifacts(seed), catalog: RANDOM_CATALOG })),
      { artifacts: handArtifacts(), catalog: range(1, 5) },
      { artifacts: sparseArtifacts(), catalog: range(1, 15) },
    ];
    for (const [fixtureIndex, { artifacts, catalog: catalogIds }] of fixtures.entries()) {
      const engine = createEngine(artifacts, options);
      const catalog = new Set(catalogIds);
      for (let seed = 0; seed < 60; seed++) {
        const rng = createRng(seed * 7919 + fixtureIndex);
        const picks = threeDistinct(catalogIds, rng);
        const result = engine.recommend(picks, { rng });
        expect(result.popularPicks).toHaveLength(5);
        expect(result.hiddenGems).toHaveLength(5);
        const all = ids([...result.popularPicks, ...result.hiddenGems]);
        expect(new Set(all).size).toBe(10);
        for (const movieId of all) {
          expect(catalog.has(movieId)).toBe(false);
          expect(picks).not.toContain(movieId);
        }
        check?.(artifacts, picks, result);
      }
    }
  }

  it('always 5 + 5 distinct movies, no picks, no catalog movies, truthful reasons', () => {
    expectGuarantees(LEGACY, checkReasons);
  });

  it('the same guarantees hold for the default fold-in method on every fixture', () => {
    expectGuarantees({});
  });

  it('different seeds give different answers for the same picks', () => {
    const engine = createEngine(randomArtifacts(1), LEGACY);
    const answers = new Set<string>();
    for (let seed = 0; seed < 10; seed++) {
      const result = engine.recommend([1, 2, 3], { rng: createRng(seed) });
      answers.add(JSON.stringify([ids(result.popularPicks), ids(result.hiddenGems)]));
    }
    expect(answers.size).toBeGreaterThan(5);
  });
});

describe('exclude (legacy method too)', () => {
  it('never returns an excluded movie', () => {
    const engine = createEngine(randomArtifacts(3), LEGACY);
    const exclude = new Set(range(21, 60));
    for (let seed = 0; seed < 20; seed++) {
      const result = engine.recommend([1, 2, 3], { rng: createRng(seed), exclude });
      expect(new Set(ids([...result.popularPicks, ...result.hiddenGems])).size).toBe(10);
      for (const movie of [...result.popularPicks, ...result.hiddenGems])
        expect(exclude.has(movie.movieId)).toBe(false);
    }
  });
});

describe('perSource', () => {
  it('sets the length of both lists', () => {
    const result = createEngine(randomArtifacts(2), LEGACY).recommend([1, 2, 3], {
      rng: createRng(1),
      perSource: 3,
    });
    expect(result.popularPicks).toHaveLength(3);
    expect(result.hiddenGems).toHaveLength(3);
  });

  it('must be a positive integer', () => {
    const engine = createEngine(handArtifacts(), LEGACY);
    expect(() => engine.recommend([1, 2, 3], { perSource: 0 })).toThrow(RangeError);
    expect(() => engine.recommend([1, 2, 3], { perSource: 2.5 })).toThrow(RangeError);
  });
});

describe('pick validation', () => {
  const engine = createEngine(handArtifacts(), LEGACY);

  it.each([
    { picks: [1, 2], code: 'wrong-count', movieIds: [1, 2] },
    { picks: [1, 2, 3, 4], code: 'wrong-count', movieIds: [1, 2, 3, 4] },
    { picks: [1, 2, 999], code: 'unknown-movie', movieIds: [999] },
    { picks: [1, 2.5, 3], code: 'unknown-movie', movieIds: [2.5] },
    { picks: [1, 2, 1], code: 'duplicate-pick', movieIds: [1] },
  ])('$picks → $code', ({ picks, code, movieIds }) => {
    let caught: unknown;
    try {
      engine.recommend(picks);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RecommendError);
    expect(caught).toMatchObject({ name: 'RecommendError', code, movieIds });
  });
});

function threeDistinct(pool: readonly number[], rng: () => number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < 3) chosen.add(pool[Math.floor(rng() * pool.length)]);
  return [...chosen];
}

/** Every reason checked against the fixture tables and the brute-force index. */
function checkReasons(artifacts: FixtureArtifacts, picks: number[], result: Recommendations): void {
  for (const { movieId, movie, reason } of [...result.popularPicks, ...result.hiddenGems]) {
    expect(movie.movieId).toBe(movieId);
    switch (reason.kind) {
      case 'knn': {
        expect(result.popularPicks.map((item) => item.movieId)).toContain(movieId);
        expect(picks).toContain(reason.pickId);
        expect(reason.similarity).toBeCloseTo(1 - artifacts.knn.distance(reason.pickId, movieId)!, 12);
        const neighbours = artifacts.knn.nearest(reason.pickId, reason.neighbourRank);
        expect(neighbours[reason.neighbourRank - 1].movieId).toBe(movieId);
        break;
      }
      case 'dnmf': {
        expect(result.hiddenGems.map((item) => item.movieId)).toContain(movieId);
        expect(picks).toContain(reason.pickId);
        const fans = artifacts.usersPerMovie.get(reason.pickId)!.map((entry) => entry.id);
        const scores = reason.userIds.map((userId) => {
          expect(fans).toContain(userId);
          return artifacts.moviesPerUser.get(userId)!.find((entry) => entry.id === movieId)!.score;
        });
        expect(reason.predictedRating).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 12);
        break;
      }
      case 'popular-fallback':
        expect(reason.count).toBe(movie.count);
        expect(reason.mean).toBe(movie.mean);
        break;
    }
  }
}
