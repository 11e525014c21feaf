/**
 * The hot paths of serving, in process, on real trained artifacts: engine.recommend for random valid pick
 * triples, forYou and movieNight for random members, and catalog autocomplete (suggest) for what people
 * type; then recommend/forYou/movieNight again on ml-32m-sized synthetic artifacts (scale-artifacts.ts).
 * Inputs are generated before timing; each call is timed on its own so the percentiles include GC pauses.
 */
import { createCatalogSearch } from '../src/serve/catalog-search.ts';
import type { Artifacts } from '../src/artifacts/types.ts';
import { createEngine, type Engine } from '../src/serve/engine.ts';
import type { MemberRating } from '../src/serve/recommendation.ts';
import { createRng } from '../src/random.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { loadCurrent } from './lib/models.ts';
import { SCALE, scaleArtifacts } from './lib/scale-artifacts.ts';
import type { Row } from './lib/report.ts';
import { summarize, timeSync, type Summary } from './lib/stats.ts';
import { createWorkload } from './lib/workload.ts';

const WARM_UP = 2_000;
const SAMPLES = 10_000;
/** forYou / movieNight requests (each does more work than recommend, so fewer are enough). */
const MEMBER_SAMPLES = 1_000;
const SCALE_SAMPLES = 2_000;

/** Random members: 3–200 ratings (½–5 stars) of movies the DNMF knows, seeded. */
function members(artifacts: Artifacts, count: number, seed: number): MemberRating[][] {
  const rng = createRng(seed);
  const known = [...artifacts.dnmf.movieRows.keys()];
  return Array.from({ length: count }, () => {
    const size = 3 + Math.floor(rng() ** 2 * 198);
    const ids = new Set<number>();
    while (ids.size < size) ids.add(known[Math.floor(rng() * known.length)]);
    return [...ids].map((movieId) => ({ movieId, rating: 0.5 + Math.floor(rng() * 10) / 2 }));
  });
}

/** Groups of 2–6 of those members. */
function groups(pool: MemberRating[][], count: number, seed: number): MemberRating[][][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 2 + Math.floor(rng() * 5) }, () => pool[Math.floor(rng() * pool.length)]),
  );
}

/** p99 rows of forYou and movieNight for one engine. */
function memberRows(
  engine: Engine,
  artifacts: Artifacts,
  label: string,
  target: number,
): { rows: Row[]; forYou: Summary; movieNight: Summary } {
  const pool = members(artifacts, MEMBER_SAMPLES, 7);
  const nights = groups(pool, MEMBER_SAMPLES, 8);
  for (const ratings of pool.slice(0, 100)) engine.forYou(ratings);
  const forYou = summarize(pool.map((ratings) => timeSync(() => engine.forYou(ratings))));
  const movieNight = summarize(nights.map((night) => timeSync(() => engine.movieNight(night))));
  return {
    rows: [
      { metric: `engine.forYou p99${label}`, unit: 'ms', measured: forYou.p99, target, summary: forYou },
      {
        metric: `engine.movieNight p99${label}`,
        unit: 'ms',
        measured: movieNight.p99,
        target,
        summary: movieNight,
        note: '2–6 members of 3–200 ratings',
      },
    ],
    forYou,
    movieNight,
  };
}

export const engine: Benchmark = {
  name: 'engine',
  description: 'engine.recommend and catalog suggest() latency in process, real artifacts',
  async run(context) {
    const artifacts = await loadCurrent(await context.models());

    let recommender!: ReturnType<typeof createEngine>;
    const createEngineMs = timeSync(() => (recommender = createEngine(artifacts)));
    let search!: ReturnType<typeof createCatalogSearch>;
    const createSearchMs = timeSync(() => (search = createCatalogSearch(artifacts)));

    const workload = createWorkload(artifacts);
    const triples = Array.from({ length: WARM_UP + SAMPLES }, () => workload.picks());
    const typing = Array.from({ length: WARM_UP + SAMPLES }, () => workload.autocomplete());

    // Per-request randomness as in production (a fresh rng per call when none is given).
    const recommendMs = triples.map((picks) => timeSync(() => recommender.recommend(picks))).slice(WARM_UP);
    let emptyAnswers = 0;
    const suggestMs = typing
      .map((request) =>
        timeSync(() => {
          if (search.suggest(request.query, request.chosen).length === 0) emptyAnswers++;
        }),
      )
      .slice(WARM_UP);

    const recommend = summarize(recommendMs);
    const suggest = summarize(suggestMs);
    const personal = memberRows(recommender, artifacts, '', 20);

    // The same engine on artifacts the size of ml-32m.
    const large = scaleArtifacts();
    let largeEngine!: Engine;
    const createLargeMs = timeSync(() => (largeEngine = createEngine(large)));
    const largeWorkload = createWorkload(large);
    const largeTriples = Array.from({ length: WARM_UP + SCALE_SAMPLES }, () => largeWorkload.picks());
    const largeRecommend = summarize(
      largeTriples.map((picks) => timeSync(() => largeEngine.recommend(picks))).slice(WARM_UP),
    );
    // Issue 14: /foryou and /movienight p99 ≤ 5 ms at ml-32m size.
    const largePersonal = memberRows(largeEngine, large, ' (ml-32m size)', 5);
    return {
      rows: [
        {
          metric: 'engine.recommend p99',
          unit: 'ms',
          measured: recommend.p99,
          target: 1,
          summary: recommend,
        },
        {
          metric: 'catalog suggest() p99',
          unit: 'ms',
          measured: suggest.p99,
          target: 0.5,
          summary: suggest,
          note: '1–12 char prefixes, mixed case/accents',
        },
        { metric: 'createEngine (once per loaded version)', unit: 'ms', measured: createEngineMs },
        ...personal.rows,
        {
          metric: 'engine.recommend p99 (ml-32m size)',
          unit: 'ms',
          measured: largeRecommend.p99,
          target: 1,
          summary: largeRecommend,
          note: `synthetic: ${SCALE.movies} movies, ${SCALE.users} users, kNN stand-in`,
        },
        ...largePersonal.rows,
        { metric: 'createEngine (ml-32m size)', unit: 'ms', measured: createLargeMs },
      ],
      raw: {
        warmUp: WARM_UP,
        recommend,
        suggest,
        suggestEmptyAnswers: emptyAnswers,
        createEngineMs,
        createSearchMs,
        forYou: personal.forYou,
        movieNight: personal.movieNight,
        scale: {
          ...SCALE,
          recommend: largeRecommend,
          forYou: largePersonal.forYou,
          movieNight: largePersonal.movieNight,
          createEngineMs: createLargeMs,
        },
        settings: recommender.settings,
        catalogSize: artifacts.catalog.length,
        exampleQueries: typing.slice(WARM_UP, WARM_UP + 12).map((r) => r.query),
      },
    };
  },
};
