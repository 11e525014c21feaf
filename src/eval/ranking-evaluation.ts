/**
 * `evaluate-ranking`: trains the production pipeline on the train rows (into a temporary model repository,
 * never models/), builds the production engine, simulates /recommend for the protocol's held-out users next
 * to the baselines, and returns one result object per list (printed as one JSON line each). Deterministic for
 * a seed: training is seeded by its own options, everything here by `seed`.
 */
import type { Logger } from 'pino';
import type { Artifacts } from '../artifacts/types.ts';
import type { Movie, RatingTable } from '../data/types.ts';
import { createRng } from '../random.ts';
import { createEngine, type Engine } from '../serve/engine.ts';
import type { DnmfOptions } from '../train/dnmf/index.ts';
import type { WatchModelOptions } from '../train/watch-model.ts';
import type { ExposurePriceOptions } from '../train/watch-prices.ts';
import { PICK_LIFT } from './pick-lift.ts';
import { trainTemporaryModel } from './temporary-model.ts';
import { cosineFromSources } from './cosine.ts';
import { heldOut, pickSensitivity, randomTriples, round, tripleStats } from './measure.ts';
import {
  cosineAllMethod,
  cosineBandMethod,
  dnmfEmbeddingBandMethod,
  gemBandOf,
  ISSUE_BAND,
  engineMethod,
  mostRatedMethod,
  randomBandMethod,
  type Band,
  type Method,
  type TrainingFacts,
} from './methods.ts';
import type { PerUnitHits } from './per-unit.ts';
import { DEFAULT_PROTOCOL, qualifyingUsers, type ProtocolOptions } from './protocol.ts';
import { pairedBootstrap } from './statistics.ts';

export interface RankingEvaluationOptions {
  train: RatingTable;
  test: RatingTable;
  movies: Map<number, Movie>;
  /** Recorded in the temporary model's manifest. */
  checksums?: Record<string, string>;
  seed?: number;
  /** Movies per list (the bot's 5). */
  k?: number;
  band?: Band;
  /** Random catalog triples for the served-movie statistics (the issue's 2,000). */
  triples?: number;
  /** Pairs of disjoint triples for pick sensitivity. */
  sensitivityPairs?: number;
  protocol?: ProtocolOptions;
  dnmf?: Partial<DnmfOptions>;
  watch?: Partial<WatchModelOptions>;
  watchPrices?: Partial<ExposurePriceOptions>;
  logger?: Logger;
  /** Progress lines for a person watching (stderr in the CLI); never part of the results. */
  onProgress?: (text: string) => void;
  /** Filled with each list's per-user hits, for `--per-user` (per-unit.ts). */
  perUnit?: PerUnitHits;
}

/** The comparisons issue 7's and 14's targets name, each paired over the same users. */
const PAIRED_COMPARISONS: readonly [string, string][] = [
  ['engine.gems', 'random-band'],
  ['engine.gems', 'cosine-band'],
  ['engine.gems', 'fold-in.gems'],
  ['engine.popular', 'most-rated'],
  ['engine.popular', 'cosine-all'],
];

export const DEFAULT_RANKING = { seed: 1, k: 5, triples: 2000, sensitivityPairs: 1000 };

export type ResultLine = Record<string, unknown>;

export async function evaluateRanking(options: RankingEvaluationOptions): Promise<ResultLine[]> {
  const seed = options.seed ?? DEFAULT_RANKING.seed;
  const k = options.k ?? DEFAULT_RANKING.k;
  const protocol = options.protocol ?? DEFAULT_PROTOCOL;
  const say = options.onProgress ?? (() => {});
  const started = performance.now();

  say(`training on ${options.train.ratings.length} rows`);
  const artifacts = await trainTemporaryModel({
    movies: options.movies,
    checksums: options.checksums,
    dnmf: options.dnmf,
    watch: options.watch,
    watchPrices: options.watchPrices,
    logger: options.logger,
    ratings: options.train,
  });
  say(`trained in ${seconds(started)} s`);

  // The baselines' band: the gems' own (the engine's gem band) unless asked otherwise.
  const band = options.band ?? gemBandOf(artifacts.manifest);
  const catalog = artifacts.catalog.map((entry) => entry.movieId);
  const users = qualifyingUsers(options.train, options.test, catalog, protocol);
  const facts = trainingFacts(options.train, catalog);
  const ratingCount = (movieId: number) => facts.counts.get(movieId) ?? 0;

  const defaultEngine = createEngine(artifacts);
  const engines = [engineMethod('engine', defaultEngine, engineHyperparameters(artifacts, defaultEngine), k)];
  // The DNMF fold-in (the default before the watch model), through the same engine for this comparison.
  const foldInEngine = createEngine(artifacts, { picks: PICK_LIFT });
  engines.push(engineMethod('fold-in', foldInEngine, engineHyperparameters(artifacts, foldInEngine), k));
  const methods: Method[] = [
    ...engines,
    randomBandMethod(facts, band, k),
    cosineBandMethod(facts, band, k),
    // The issue measured against 10–60 (the gems' band of the serving then): kept beside it.
    ...(band.min === ISSUE_BAND.min && band.max === ISSUE_BAND.max
      ? []
      : [
          randomBandMethod(facts, ISSUE_BAND, k, `random-band-${ISSUE_BAND.min}-${ISSUE_BAND.max}`),
          cosineBandMethod(facts, ISSUE_BAND, k, `cosine-band-${ISSUE_BAND.min}-${ISSUE_BAND.max}`),
        ]),
    dnmfEmbeddingBandMethod(facts, band, k, artifacts.dnmf),
    cosineAllMethod(facts, k),
    mostRatedMethod(facts, k),
  ];
  const triples = randomTriples(catalog, options.triples ?? DEFAULT_RANKING.triples, createRng(seed));
  const sixes = randomTriples(
    catalog,
    options.sensitivityPairs ?? DEFAULT_RANKING.sensitivityPairs,
    createRng(seed + 1),
    6,
  );

  const lines: ResultLine[] = [
    {
      name: 'protocol',
      seed,
      k,
      users: users.length,
      trainRows: options.train.ratings.length,
      testRows: options.test.ratings.length,
      picks: `each user's ${protocol.picks} highest-rated catalog movies in train (ties: better catalog rank)`,
      relevant: `test ratings >= ${protocol.likedThreshold} outside the catalog`,
      qualifies: `>= ${protocol.picks} catalog movies in train and >= 1 relevant test movie`,
      exclude: "the user's train movies (engine option; dropped afterwards if the engine serves them)",
      triples: triples.length,
      sensitivityPairs: sixes.length,
    },
  ];
  const perUserHits = new Map<string, number[]>();
  for (const method of methods) {
    const held = heldOut(method, users, k, seed, ratingCount);
    const served = tripleStats(method, triples, seed, ratingCount);
    const sensitivity = pickSensitivity(method, sixes, seed);
    for (const list of method.lists) {
      const h = held.get(list)!;
      const t = served.get(list)!;
      const name = method.lists.length > 1 ? `${method.name}.${list}` : method.name;
      perUserHits.set(name, h.perUserHits);
      if (options.perUnit)
        options.perUnit[name] = Object.fromEntries(users.map((u, i) => [String(u.userId), h.perUserHits[i]]));
      lines.push({
        name,
        hyperparameters: method.hyperparameters,
        users: h.users,
        k: h.k,
        hitsPer100: h.hitsPer100,
        hitsPer100StdErr: h.hitsPer100StdErr,
        hitRate: round(h.hit),
        hitsPerUser: round(h.precision * k),
        precision: round(h.precision),
        recall: round(h.recall),
        ndcg: round(h.ndcg),
        coverage: h.coverage,
        novelty: h.novelty,
        topMovieShare: round(h.topMovieShare),
        top10Share: round(h.top10Share),
        pickSensitivity: round(sensitivity.get(list)!.meanJaccard),
        ...(h.fans.topFanShare === null && list !== 'gems' ? {} : { fans: roundFans(h.fans) }),
        triples: {
          n: t.lists,
          distinct: t.coverage,
          topMovieShare: round(t.topMovieShare),
          topMovieId: t.topMovieId,
          top10Share: round(t.top10Share),
          medianCount: t.novelty,
          ...(t.fans.topFanShare === null && list !== 'gems' ? {} : { fans: roundFans(t.fans) }),
        },
        ...engineDropped(method),
      });
    }
  }
  // Paired over the same users (issue 14, "Honest statistics"): the difference and its bootstrap interval.
  for (const [a, b] of PAIRED_COMPARISONS) {
    const left = perUserHits.get(a);
    const right = perUserHits.get(b);
    if (!left || !right) continue;
    const c = pairedBootstrap(left, right, { seed });
    lines.push({
      name: 'compare',
      a,
      b,
      metric: 'hitsPer100',
      users: c.n,
      difference: round(100 * c.difference, 1),
      low: round(100 * c.low, 1),
      high: round(100 * c.high, 1),
      ratio: c.ratio === null ? null : round(c.ratio, 3),
      resamples: c.resamples,
    });
  }
  say(`measured in ${seconds(started)} s`);

  return lines;

  function engineDropped(method: Method): Record<string, number> {
    const engine = engines.find((candidate) => candidate === method);
    return engine ? { droppedByExclude: engine.dropped() } : {};
  }
}

function roundFans<T extends { topFanShare: number | null }>(fans: T): T {
  return fans.topFanShare === null ? fans : { ...fans, topFanShare: round(fans.topFanShare) };
}

function seconds(since: number): number {
  return round((performance.now() - since) / 1000, 1);
}

function trainingFacts(train: RatingTable, catalog: readonly number[]): TrainingFacts {
  const counts = new Map<number, number>();
  for (const movieId of train.movieIds) counts.set(movieId, (counts.get(movieId) ?? 0) + 1);
  return { counts, catalog: new Set(catalog), cosine: cosineFromSources(train, catalog) };
}

function engineHyperparameters(artifacts: Artifacts, engine: Engine): Record<string, unknown> {
  const { dnmf, knn } = artifacts.manifest;
  return {
    method: engine.method,
    serving: engine.settings,
    knn: { k: knn.k, minRatings: knn.minRatings },
    dnmf: {
      ...dnmf.hyperparameters,
      bestEpoch: dnmf.metrics.bestEpoch,
      validationRmse: round(dnmf.metrics.validationRmse),
    },
    minCandidateRatings: dnmf.minCandidateRatings,
  };
}
