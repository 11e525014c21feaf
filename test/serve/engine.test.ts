import { describe, expect, it } from 'vitest';
import { createEngine, recommend } from '../../src/serve/engine.ts';
import { RecommendError } from '../../src/serve/recommend-error.ts';
import type { Recommendation, Recommendations } from '../../src/serve/recommendation.ts';
import { createRng } from '../../src/random.ts';
import {
  HAND_PICKS,
  HAND_SIMILARITY,
  RANDOM_CATALOG,
  SPARSE_FALLBACK_IDS,
  buildArtifacts,
  handArtifacts,
  randomArtifacts,
  range,
  sparseArtifacts,
  type FixtureArtifacts,
  withWatchModel,
} from './fixtures.ts';
import { PICK_LIFT } from '../../src/eval/pick-lift.ts';

/**
 * /recommend's guarantees on hand-made versions. Most have no watch model, so their gems come from the
 * evaluation's DNMF fold-in ranking (the engine's `picks` option); the serving ranking is checked on the
 * same fixtures with a small watch model. fold-in-engine.test.ts and watch-gems.test.ts test the gem
 * rankings themselves.
 */
const FOLD_IN = { picks: PICK_LIFT };

const ids = (list: Recommendation[]) => list.map((item) => item.movieId);
const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b);

describe('recommend on the hand fixture', () => {
  const artifacts = handArtifacts();
  const engine = createEngine(artifacts, FOLD_IN);

  it('popular picks: exactly the five non-catalog kNN movies, each scored by its summed similarity to the picks', () => {
    for (let seed = 0; seed < 20; seed++) {
      const result = engine.recommend([...HAND_PICKS], { rng: createRng(seed) });
      expect(sorted(ids(result.popularPicks))).toEqual([11, 12, 13, 14, 15]);
      for (const { movieId, reason } of result.popularPicks) {
        if (reason.kind !== 'knn-combined')
          throw new Error(`expected a knn-combined reason, got ${reason.kind}`);
        expect(reason.basis).toBe('picks');
        const total = HAND_PICKS.reduce((sum, pick) => sum + HAND_SIMILARITY[pick][movieId], 0);
        expect(reason.totalSimilarity).toBeCloseTo(total, 12);
        // The card names the picks it is similar to (similarity > 0), most similar first.
        const named = HAND_PICKS.filter((pick) => HAND_SIMILARITY[pick][movieId] > 0);
        expect(sorted(reason.matches.map((match) => match.movieId))).toEqual(sorted(named));
        for (const match of reason.matches)
          expect(match.similarity).toBeCloseTo(HAND_SIMILARITY[match.movieId][movieId], 12);
      }
    }
  });

  it('fills the gems from the popularity fallback when the DNMF lifts nothing (its vectors are zero here)', () => {
    const result = engine.recommend([...HAND_PICKS], { rng: createRng(1) });
    expect(result.hiddenGems).toHaveLength(5);
    for (const item of result.hiddenGems) {
      expect(item.reason.kind).toBe('popular-fallback');
      expect(item.movieId).toBeGreaterThanOrEqual(31);
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
    const served = withWatchModel(artifacts);
    expect(recommend(served, [...HAND_PICKS], { rng: createRng(7) })).toEqual(
      createEngine(served).recommend([...HAND_PICKS], { rng: createRng(7) }),
    );
  });
});

describe('recommend when lists run short', () => {
  it('fills both lists from popularity when no pick is in either model', () => {
    const artifacts = sparseArtifacts();
    const engine = createEngine(artifacts, FOLD_IN);
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
      const result = createEngine(artifacts, FOLD_IN).recommend([1, 2, 21], { rng: createRng(seed) });
      expect(sorted(ids(result.popularPicks))).toEqual([11, 12, 13, 14, 15]);
      for (const { reason } of result.popularPicks) {
        expect(reason.kind).toBe('knn-combined');
        if (reason.kind === 'knn-combined') expect(reason.matches.map((m) => m.movieId)).not.toContain(21);
      }
      expect(ids(result.hiddenGems)).not.toContain(21);
      expect(result.hiddenGems).toHaveLength(5);
    }
  });

  it('throws not-enough-movies when the artifacts cannot fill ten slots', () => {
    const artifacts = buildArtifacts({
      movies: range(1, 8).map((movieId) => ({ movieId })),
      catalog: [1, 2, 3],
    });
    expect(() => createEngine(artifacts, FOLD_IN).recommend([1, 2, 3])).toThrowError(
      expect.objectContaining({ code: 'not-enough-movies' }),
    );
  });
});

describe('recommend properties over random fixtures, seeds and pick triples', () => {
  /** Random fixtures exercise the models; the hand and sparse ones also exercise widening and fallbacks. */
  function expectGuarantees(
    options: Parameters<typeof createEngine>[1],
    check?: (artifacts: FixtureArtifacts, picks: number[], result: Recommendations) => void,
    version: (artifacts: FixtureArtifacts) => FixtureArtifacts = (artifacts) => artifacts,
  ): void {
    const fixtures = [
      ...[1, 2, 3, 4].map((seed) => ({ artifacts: randomArtifacts(seed), catalog: RANDOM_CATALOG })),
      { artifacts: handArtifacts(), catalog: range(1, 5) },
      { artifacts: sparseArtifacts(), catalog: range(1, 15) },
    ];
    for (const [fixtureIndex, { artifacts, catalog: catalogIds }] of fixtures.entries()) {
      const engine = createEngine(version(artifacts), options);
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
    expectGuarantees(FOLD_IN, checkReasons);
  });

  it('the same with the watch model that serving ranks by', () => {
    expectGuarantees({}, checkReasons, withWatchModel);
  });

  it('different seeds give different answers for the same picks', () => {
    const engine = createEngine(randomArtifacts(1), FOLD_IN);
    const answers = new Set<string>();
    for (let seed = 0; seed < 10; seed++) {
      const result = engine.recommend([1, 2, 3], { rng: createRng(seed) });
      answers.add(JSON.stringify([ids(result.popularPicks), ids(result.hiddenGems)]));
    }
    expect(answers.size).toBeGreaterThan(5);
  });
});

describe('exclude', () => {
  it('never returns an excluded movie', () => {
    const engine = createEngine(randomArtifacts(3), FOLD_IN);
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
    const result = createEngine(randomArtifacts(2), FOLD_IN).recommend([1, 2, 3], {
      rng: createRng(1),
      perSource: 3,
    });
    expect(result.popularPicks).toHaveLength(3);
    expect(result.hiddenGems).toHaveLength(3);
  });

  it('must be a positive integer', () => {
    const engine = createEngine(handArtifacts(), FOLD_IN);
    expect(() => engine.recommend([1, 2, 3], { perSource: 0 })).toThrow(RangeError);
    expect(() => engine.recommend([1, 2, 3], { perSource: 2.5 })).toThrow(RangeError);
  });
});

describe('pick validation', () => {
  const engine = createEngine(handArtifacts(), FOLD_IN);

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

/** Every reason checked against the fixture and the brute-force index. */
function checkReasons(artifacts: FixtureArtifacts, picks: number[], result: Recommendations): void {
  for (const { movieId, movie, reason } of [...result.popularPicks, ...result.hiddenGems]) {
    expect(movie.movieId).toBe(movieId);
    switch (reason.kind) {
      case 'knn-combined': {
        expect(ids(result.popularPicks)).toContain(movieId);
        for (const match of reason.matches) {
          expect(picks).toContain(match.movieId);
          expect(match.similarity).toBeCloseTo(1 - artifacts.knn.distance(match.movieId, movieId)!, 12);
        }
        break;
      }
      case 'dnmf-fold-in':
        expect(ids(result.hiddenGems)).toContain(movieId);
        for (const pickId of reason.pickIds) expect(picks).toContain(pickId);
        expect(reason.lift).toBeGreaterThan(0);
        break;
      case 'watch-similar':
        expect(ids(result.hiddenGems)).toContain(movieId);
        for (const match of reason.matches) expect(picks).toContain(match.movieId);
        break;
      case 'popular-fallback':
        expect(reason.count).toBe(movie.count);
        expect(reason.mean).toBe(movie.mean);
        break;
      default:
        throw new Error(`unexpected reason ${reason.kind}`);
    }
  }
}
