/**
 * Hidden gems from the DNMF with the picks (or a member's ratings) folded in, popular picks from summed
 * kNN similarity; forYou, movieNight and exclusion. The picks' fold-in is the evaluation's baseline ranking
 * (src/eval/pick-lift.ts, run through the engine's `picks` option); the members' is what serves a member
 * (or group) none of whose rated movies the MF path knows, here every member (no watch model).
 */
const FOLD_IN = { picks: PICK_LIFT };
import { describe, expect, it } from 'vitest';
import { createEngine, MIN_PERSONAL_RATINGS } from '../../src/serve/engine.ts';
import { RecommendError } from '../../src/serve/recommend-error.ts';
import { createGemSource, DISLIKE_BELOW } from '../../src/serve/gem-source.ts';
import type { MemberRating, Recommendation, Recommendations } from '../../src/serve/recommendation.ts';
import { createRng } from '../../src/random.ts';
import { PICK_LIFT } from '../../src/eval/pick-lift.ts';
import { RANDOM_CATALOG, buildArtifacts, randomArtifacts, range, type FixtureArtifacts } from './fixtures.ts';

const ids = (list: Recommendation[]) => list.map((item) => item.movieId);
const all = (result: Recommendations) => [...ids(result.popularPicks), ...ids(result.hiddenGems)];

function expectWellFormed(result: Recommendations, forbidden: ReadonlySet<number>, perSource = 5): void {
  expect(result.popularPicks).toHaveLength(perSource);
  expect(result.hiddenGems).toHaveLength(perSource);
  const movies = all(result);
  expect(new Set(movies).size).toBe(movies.length);
  for (const movieId of movies) expect(forbidden.has(movieId)).toBe(false);
}

/**
 * Two taste clusters on the DNMF's movie side: catalog 1–3 and gems 21–35 point along x, catalog 4–6
 * and gems 41–55 along y. Movie 60 is the generous raters' favourite: a huge bias (predicted 5.0 for
 * everyone) but no taste direction — it wins by raw predicted rating, and must not win by lift.
 */
const X_GEMS = range(21, 35);
const Y_GEMS = range(41, 55);
const GENEROUS = 60;
function clusterArtifacts(): FixtureArtifacts {
  const x = (s: number) => [s, 0.05];
  const y = (s: number) => [0.05, s];
  const movies: Record<number, number[]> = {
    1: x(1),
    2: x(0.9),
    3: x(0.8),
    4: y(1),
    5: y(0.9),
    6: y(0.8),
    ...Object.fromEntries(X_GEMS.map((id) => [id, x(1.2 - (id - 21) * 0.05)])),
    ...Object.fromEntries(Y_GEMS.map((id) => [id, y(1.2 - (id - 41) * 0.05)])),
    [GENEROUS]: [0.01, 0.01],
  };
  return buildArtifacts({
    movies: [
      ...range(1, 6).map((movieId) => ({ movieId, count: 200 })),
      ...[...X_GEMS, ...Y_GEMS].map((movieId) => ({ movieId, count: 20 })),
      { movieId: GENEROUS, count: 30, mean: 4.9 },
      ...range(61, 75).map((movieId) => ({ movieId, count: 150, mean: 4.4 })),
    ],
    catalog: range(1, 6),
    gemBand: { minRatings: 10, belowRatings: 50 },
    dnmf: { movies, movieBias: { [GENEROUS]: 2 } },
  });
}

describe('hidden gems by fold-in', () => {
  it('ranks by lift, so the generous favourite (predicted 5 for everyone) does not win', () => {
    const artifacts = clusterArtifacts();
    const engine = createEngine(artifacts, FOLD_IN);
    for (let seed = 0; seed < 20; seed++) {
      const { hiddenGems } = engine.recommend([1, 2, 3], { rng: createRng(seed) });
      expect(ids(hiddenGems)).not.toContain(GENEROUS);
      for (const gem of hiddenGems) expect(gem.reason.kind).toBe('dnmf-fold-in');
    }
    // Ranked by raw prediction (what the legacy tables do) it would come first for anyone:
    expect(artifacts.dnmf.scorer.movieBias[artifacts.dnmf.movieRows.get(GENEROUS)!]).toBe(2);
  });

  it('depends on the picks: x picks give x gems, y picks give y gems', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    for (let seed = 0; seed < 10; seed++) {
      const xGems = ids(engine.recommend([1, 2, 3], { rng: createRng(seed) }).hiddenGems);
      const yGems = ids(engine.recommend([4, 5, 6], { rng: createRng(seed) }).hiddenGems);
      for (const id of xGems) expect(X_GEMS).toContain(id);
      for (const id of yGems) expect(Y_GEMS).toContain(id);
    }
  });

  it('names the picks behind a gem, largest share first, and reports a positive lift', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    const { hiddenGems } = engine.recommend([1, 2, 4], { rng: createRng(3) });
    for (const gem of hiddenGems) {
      if (gem.reason.kind !== 'dnmf-fold-in') throw new Error('expected a fold-in reason');
      expect(gem.reason.lift).toBeGreaterThan(0);
      const cluster = X_GEMS.includes(gem.movieId) ? [1, 2] : [4];
      expect(gem.reason.pickIds[0]).toBe(cluster[0]);
    }
  });

  it('never returns an excluded movie and fills up instead', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    const exclude = new Set([21, 22, 61]);
    for (let seed = 0; seed < 10; seed++) {
      const result = engine.recommend([1, 2, 3], { rng: createRng(seed), exclude });
      expectWellFormed(result, new Set([...exclude, ...range(1, 6)]));
    }
  });
});

describe('recommend properties over random fixtures (fold-in)', () => {
  it('always 5 + 5 distinct movies, no picks, no catalog movies, nothing excluded', () => {
    for (let fixture = 1; fixture <= 4; fixture++) {
      const artifacts = randomArtifacts(fixture);
      const engine = createEngine(artifacts, FOLD_IN);
      const rng = createRng(fixture);
      for (let request = 0; request < 40; request++) {
        const shuffled = [...RANDOM_CATALOG].sort(() => rng() - 0.5);
        const picks = shuffled.slice(0, 3);
        const exclude = new Set(range(21, 100).filter(() => rng() < 0.1));
        const result = engine.recommend(picks, { rng, exclude });
        expectWellFormed(result, new Set([...RANDOM_CATALOG, ...exclude]));
        expect(result.picks).toEqual(picks);
      }
    }
  });

  it('is reproducible with a seed', () => {
    const engine = createEngine(randomArtifacts(3), FOLD_IN);
    expect(engine.recommend([1, 2, 3], { rng: createRng(9) })).toEqual(
      engine.recommend([1, 2, 3], { rng: createRng(9) }),
    );
  });

  it('popular picks rank a movie near two picks above one near only one', () => {
    const artifacts = buildArtifacts({
      movies: [...range(1, 3), ...range(11, 20)].map((movieId) => ({ movieId, count: 80 })),
      catalog: [1, 2, 3],
      // 11 is close to picks 1 and 2; 12 is a little closer to pick 1 alone.
      vectors: {
        1: [1, 0, 0, 0],
        2: [0, 1, 0, 0],
        3: [0, 0, 1, 0],
        11: [1, 1, 0, 0.2],
        12: [1, 0.1, 0, 0],
        ...Object.fromEntries(range(13, 20).map((id) => [id, [0, 0, 0.1, 1 + id / 100]])),
      },
    });
    const engine = createEngine(artifacts, FOLD_IN);
    const { popularPicks } = engine.recommend([1, 2, 3], { rng: createRng(1), perSource: 1 });
    // perSource 1 draws among the best two; the best (11) must be the favourite over many seeds.
    let first = 0;
    for (let seed = 0; seed < 50; seed++) {
      const pick = engine.recommend([1, 2, 3], { rng: createRng(seed), perSource: 1 }).popularPicks[0];
      if (pick.movieId === 11) first++;
    }
    expect(first).toBeGreaterThan(25);
    const eleven = engine
      .recommend([1, 2, 3], { rng: createRng(1) })
      .popularPicks.find((r) => r.movieId === 11)!;
    if (eleven.reason.kind !== 'knn-combined') throw new Error('expected a combined kNN reason');
    expect(eleven.reason.matches.map((m) => m.movieId)).toEqual([1, 2]);
    expect(popularPicks).toHaveLength(1);
  });
});

const ratingsOf = (entries: Array<[number, number]>): MemberRating[] =>
  entries.map(([movieId, rating]) => ({ movieId, rating }));

/** A member who loves the x cluster. */
const LIKES_X = ratingsOf([
  [1, 5],
  [2, 5],
  [3, 4.5],
]);

describe('forYou', () => {
  it(`needs ${MIN_PERSONAL_RATINGS} ratings of known movies and says how many more`, () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    try {
      engine.forYou(ratingsOf([[1, 5]]));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RecommendError);
      expect((error as RecommendError).code).toBe('too-few-ratings');
      expect((error as RecommendError).message).toMatch(/rate 2 more movies/);
    }
    // A movie the model does not know does not count.
    expect(() =>
      engine.forYou(
        ratingsOf([
          [1, 5],
          [2, 5],
          [999, 5],
        ]),
      ),
    ).toThrow(/rate 1 more movie\./);
  });

  it('rejects an invalid rating', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    expect(() =>
      engine.forYou(
        ratingsOf([
          [1, 5],
          [2, 6],
          [3, 4],
        ]),
      ),
    ).toThrow(RecommendError);
    expect(() =>
      engine.forYou(
        ratingsOf([
          [1, 5],
          [1, 4],
          [3, 4],
        ]),
      ),
    ).toThrow(/more than once/);
  });

  it('follows the member’s taste and never returns what they rated or excluded', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    const likesX = ratingsOf([
      [1, 5],
      [2, 5],
      [4, 1],
      [21, 5],
    ]);
    const exclude = new Set([22]);
    for (let seed = 0; seed < 10; seed++) {
      const result = engine.forYou(likesX, { rng: createRng(seed), exclude });
      expectWellFormed(result, new Set([1, 2, 4, 21, 22]));
      // The best DNMF predictions for an x-lover are the generous favourite and the x gems.
      for (const id of ids(result.hiddenGems)) expect([GENEROUS, ...X_GEMS]).toContain(id);
      for (const gem of result.hiddenGems) expect(gem.reason.kind).toBe('dnmf-personal');
      expect(result.picks).toEqual([]);
    }
  });

  it('changes as the ratings change, and is reproducible with a seed', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    const likesY = ratingsOf([
      [4, 5],
      [5, 5],
      [1, 1],
    ]);
    const likesX = ratingsOf([
      [1, 5],
      [2, 5],
      [4, 1],
    ]);
    const gemsY = ids(engine.forYou(likesY, { rng: createRng(1) }).hiddenGems);
    const gemsX = ids(engine.forYou(likesX, { rng: createRng(1) }).hiddenGems);
    expect(gemsY).not.toEqual(gemsX);
    expect(engine.forYou(likesY, { rng: createRng(4) })).toEqual(
      engine.forYou(likesY, { rng: createRng(4) }),
    );
  });
});

describe('movieNight', () => {
  it('combines members, excludes everything any of them rated, and guards a strong dislike', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    const likesX = LIKES_X;
    // Likes x too, but hates the y cluster's gems strongly (and x gem 21 in particular: rated it 0.5).
    const likesXHatesY = ratingsOf([
      [1, 4],
      [4, 0.5],
      [5, 0.5],
      [21, 0.5],
    ]);
    for (let seed = 0; seed < 10; seed++) {
      const result = engine.movieNight([likesX, likesXHatesY], { rng: createRng(seed) });
      expectWellFormed(result, new Set([1, 2, 3, 4, 5, 21]));
      for (const gem of result.hiddenGems) {
        if (gem.reason.kind !== 'dnmf-group') continue;
        expect(gem.reason.memberCount).toBe(2);
        for (const id of ids(result.hiddenGems)) expect(Y_GEMS).not.toContain(id);
      }
    }
  });

  it('ranks a movie one member is predicted to dislike after the others, even when its mean is higher', () => {
    const artifacts = clusterArtifacts();
    const gems = createGemSource(artifacts);
    const first = artifacts.dnmf.meanUserFirst;
    // A loves the y taste (y gems clip at 5); B mildly dislikes it (y gems ≈ 2.8 for B, below 3).
    const a = { gmfWeighted: Float32Array.from([0, 3]), first, bias: 0 };
    const b = { gmfWeighted: Float32Array.from([0.2, -0.6]), first, bias: 0 };
    const yGem = gems.predictions([a, b], 41)!;
    const xGem = gems.predictions([a, b], 21)!;
    // By the mean alone the y gem would win…
    expect((yGem[0] + yGem[1]) / 2).toBeGreaterThan((xGem[0] + xGem[1]) / 2);
    expect(Math.min(...yGem)).toBeLessThan(DISLIKE_BELOW);
    // …but every movie nobody is predicted to dislike ranks first.
    const ranked = gems.group([a, b], () => false);
    const firstDisliked = ranked.findIndex(
      (c) => c.reason.kind === 'dnmf-group' && c.reason.lowestPredicted < DISLIKE_BELOW,
    );
    expect(firstDisliked).toBeGreaterThan(0);
    for (const candidate of ranked.slice(0, firstDisliked)) {
      if (candidate.reason.kind !== 'dnmf-group') throw new Error('expected a group reason');
      expect(candidate.reason.lowestPredicted).toBeGreaterThanOrEqual(DISLIKE_BELOW);
    }
    for (const candidate of ranked.slice(firstDisliked)) {
      if (candidate.reason.kind !== 'dnmf-group') throw new Error('expected a group reason');
      expect(candidate.reason.lowestPredicted).toBeLessThan(DISLIKE_BELOW);
    }
    expect(ranked.findIndex((c) => c.movieId === 41)).toBeGreaterThanOrEqual(firstDisliked);
  });

  it('ignores members with too few ratings, unless nobody has enough', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    const enough = ratingsOf([
      [1, 5],
      [2, 5],
      [3, 4],
    ]);
    const few = ratingsOf([[4, 5]]);
    const result = engine.movieNight([enough, few], { rng: createRng(1) });
    expectWellFormed(result, new Set([1, 2, 3, 4]));
    const gem = result.hiddenGems.find((r) => r.reason.kind === 'dnmf-group');
    if (gem?.reason.kind === 'dnmf-group') expect(gem.reason.memberCount).toBe(1);
    expect(() => engine.movieNight([few, few])).toThrow(/rate 2 more movies/);
  });

  it('is reproducible with a seed', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    const night = [
      ratingsOf([
        [1, 5],
        [2, 5],
        [3, 4],
      ]),
      ratingsOf([
        [4, 4],
        [5, 3],
        [6, 5],
      ]),
    ];
    expect(engine.movieNight(night, { rng: createRng(3) })).toEqual(
      engine.movieNight(night, { rng: createRng(3) }),
    );
  });

  it('needs 1–6 members', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    const enough = ratingsOf([
      [1, 5],
      [2, 5],
      [3, 4],
    ]);
    expect(() => engine.movieNight([])).toThrow(RecommendError);
    expect(() => engine.movieNight(Array(7).fill(enough))).toThrow(/1–6 members/);
  });
});

describe('rankForGroup', () => {
  it('orders a given list by the group scores (guard included), unpredictable movies last, nothing lost', () => {
    const engine = createEngine(clusterArtifacts(), FOLD_IN);
    // The second member likes x too but hates the y cluster.
    const group = [
      LIKES_X,
      ratingsOf([
        [1, 4],
        [4, 0.5],
        [5, 0.5],
      ]),
    ];
    const unknown = 999_999;
    const list = [Y_GEMS[0], unknown, X_GEMS[3], Y_GEMS[2], X_GEMS[0], GENEROUS];
    const ranked = engine.rankForGroup(group, list);
    expect([...ranked].sort((a, b) => a - b)).toEqual([...list].sort((a, b) => a - b));
    expect(ranked.at(-1)).toBe(unknown);
    const scores = engine.groupScores(group, list);
    expect(scores.has(unknown)).toBe(false);
    const scored = ranked.slice(0, -1).map((id) => scores.get(id)!.score);
    expect(scored).toEqual([...scored].sort((a, b) => b - a));
    // The x gems this group likes come before the y gems one member is predicted to dislike.
    const lastX = Math.max(ranked.indexOf(X_GEMS[0]), ranked.indexOf(X_GEMS[3]));
    expect(lastX).toBeLessThan(Math.min(ranked.indexOf(Y_GEMS[0]), ranked.indexOf(Y_GEMS[2])));
  });
});
