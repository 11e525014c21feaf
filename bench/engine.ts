/**
 * The two hot paths of serving, in process, on real trained artifacts: engine.recommend for random
 * valid pick triples, and catalog autocomplete (suggest) for what people type. Inputs are generated
 * before timing; each call is timed on its own so the percentiles include GC pauses.
 */
import { createCatalogSearch } from '../src/serve/catalog-search.ts';
import { createEngine } from '../src/serve/engine.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { loadCurrent } from './lib/models.ts';
import { summarize, timeSync } from './lib/stats.ts';
import { createWorkload } from './lib/workload.ts';

const WARM_UP = 2_000;
const SAMPLES = 10_000;

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
      ],
      raw: {
        warmUp: WARM_UP,
        recommend,
        suggest,
        suggestEmptyAnswers: emptyAnswers,
        createEngineMs,
        createSearchMs,
        catalogSize: artifacts.catalog.length,
        exampleQueries: typing.slice(WARM_UP, WARM_UP + 12).map((r) => r.query),
      },
    };
  },
};
