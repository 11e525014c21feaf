/**
 * `evaluate-ranking --protocol new-members` (issue 14; README "New members"): the bot's personal answers
 * for members it has never seen. New members (new-members.ts) are removed from the training rows, the
 * production pipeline is trained on the rest, and each member tells the engine N of their ratings through
 * its public API (forYou, movieNight), exactly as the bot would. Baselines answer the same members with the
 * same told ratings; every comparison is paired over the same members with a bootstrap interval.
 *
 * Drawn lists (the engine draws among its best candidates) are scored over several seeds, and the
 * deterministic top of the same ranking beside them: the engine's draw takes the best candidate when the
 * RNG returns 0 (serve/rank-sampling.ts), so `TOP` is an RNG that always does.
 */
import type { Logger } from 'pino';
import type { Artifacts } from '../artifacts/types.ts';
import type { Movie, RatingTable } from '../data/types.ts';
import { createRng, sampleDistinct, type Rng } from '../random.ts';
import { createEngine, type CreateEngineOptions, type Engine } from '../serve/engine.ts';
import type { MemberRating, Recommendations } from '../serve/recommendation.ts';
import { RecommendError } from '../serve/recommend-error.ts';
import type { DnmfOptions } from '../train/dnmf/index.ts';
import type { WatchModelOptions } from '../train/watch-model.ts';
import type { ExposurePriceOptions } from '../train/watch-prices.ts';
import { servedStats } from './list-stats.ts';
import { round } from './measure.ts';
import { gemBandOf, type Band } from './methods.ts';
import { ndcgAtK } from './metrics.ts';
import {
  chooseNewMembers,
  dealGroups,
  DEFAULT_NEW_MEMBERS,
  tell,
  type NewMember,
  type NewMemberProtocol,
  type ToldMember,
} from './new-members.ts';
import type { PerUnitHits } from './per-unit.ts';
import { withoutUsers } from './protocol.ts';
import {
  buildServerList,
  DEFAULT_SERVER_LIST,
  groupRng,
  hasGroupListRanking,
  rankListForGroup,
  scoreServerLists,
  type GroupListRanker,
} from './server-list.ts';
import { mean, meanOverDraws, pairedBootstrap, type PairedComparison } from './statistics.ts';
import { trainTemporaryModel } from './temporary-model.ts';
import { validationSeed } from './validation.ts';
import { TopK } from '../model/top-k.ts';
import { createTitleMatcher } from '../serve/import/title-matcher.ts';
import { emptyTally, toldViaLetterboxd, type ToldVia } from './told-via-import.ts';
import { createWatchFoldIn, topScored, watchFactorsOf, type WatchFoldIn } from './watch-fold-in.ts';

/** The engine's draw with an RNG that always returns 0 is the ranking's deterministic top (see header). */
export const TOP: Rng = () => 0;

export interface NewMemberEvaluationOptions {
  /** Rows the model trains on, minus the new members' rows. */
  train: RatingTable;
  /** More rows of the same users (the test file): the new members' ratings include theirs. Optional. */
  extra?: RatingTable;
  movies: Map<number, Movie>;
  checksums?: Record<string, string>;
  seed?: number;
  /** Seeds each drawn list is scored over. */
  draws?: number;
  k?: number;
  protocol?: Partial<NewMemberProtocol>;
  /** Bootstrap resamples per comparison. */
  resamples?: number;
  dnmf?: Partial<DnmfOptions>;
  watch?: Partial<WatchModelOptions>;
  watchPrices?: Partial<ExposurePriceOptions>;
  logger?: Logger;
  onProgress?: (text: string) => void;
  /** Options for the engine under test (e.g. an ablation the engine offers), recorded in the protocol line. */
  engineOptions?: CreateEngineOptions;
  /** Filled with each list's per-member (per-group) hits, for `--per-user` (per-unit.ts). */
  perUnit?: PerUnitHits;
  /**
   * Tuning run: the members come from the train rows only (a salted seed, so not the test run's members)
   * and `extra` must be absent: nothing of the test file is read.
   */
  validation?: boolean;
  /** A trained model to use instead of training one (tests; must not have seen the members). */
  artifacts?: Artifacts;
  /**
   * 'letterboxd': also tell each member's N ratings through /import (a Letterboxd export of them, the real
   * parse and match: told-via-import.ts) and compare /foryou, paired, with the same members told directly.
   */
  toldVia?: ToldVia;
}

export const DEFAULT_NEW_MEMBER_RUN = { seed: 1, draws: 5, k: 5, resamples: 2000 };

export type ResultLine = Record<string, unknown>;

/** One unit's (member's or group's) answer per list. */
type Lists = Record<string, number[]>;

interface ListMethod<Unit> {
  name: string;
  /** Drawn methods are scored over `draws` seeds, and (unless `noTop`) once more with TOP. */
  drawn: boolean;
  /** A draw with no ranking behind it (random): TOP would only take the first movies by id. */
  noTop?: boolean;
  lists: readonly string[];
  answer(unit: Unit, rng: Rng): Lists;
}

interface GroupUnit {
  members: ToldMember[];
  /** Untold movies liked by at least one member, and by at least two. */
  likedByAny: Set<number>;
  likedByTwo: Set<number>;
  told: Set<number>;
}

export async function evaluateNewMembers(options: NewMemberEvaluationOptions): Promise<ResultLine[]> {
  const seed = options.seed ?? DEFAULT_NEW_MEMBER_RUN.seed;
  const draws = options.draws ?? DEFAULT_NEW_MEMBER_RUN.draws;
  const k = options.k ?? DEFAULT_NEW_MEMBER_RUN.k;
  const resamples = options.resamples ?? DEFAULT_NEW_MEMBER_RUN.resamples;
  const protocol = { ...DEFAULT_NEW_MEMBERS, ...options.protocol };
  if (!Number.isInteger(draws) || draws < 1)
    throw new RangeError(`draws must be a positive integer, got ${draws}`);
  const say = options.onProgress ?? (() => {});
  const started = performance.now();

  if (options.validation && options.extra)
    throw new Error('a validation run reads the train rows only: pass no test rows');
  const everything = options.extra ? concatTables(options.train, options.extra) : options.train;
  const members = chooseNewMembers(everything, options.validation ? validationSeed(seed) : seed, protocol);
  if (members.length < protocol.groupSize)
    throw new Error(
      `only ${members.length} users have enough ratings for the new-member protocol (need ${protocol.groupSize})`,
    );
  const heldOut = new Set(members.map((m) => m.userId));
  const trainRows = withoutUsers(options.train, heldOut);
  say(`${members.length} new members held out; training on ${trainRows.ratings.length} rows`);
  const artifacts =
    options.artifacts ??
    (await trainTemporaryModel({
      movies: options.movies,
      ratings: trainRows,
      checksums: options.checksums,
      dnmf: options.dnmf,
      watch: options.watch,
      watchPrices: options.watchPrices,
      logger: options.logger,
    }));
  say(`trained in ${seconds(started)} s`);

  const engine = createEngine(artifacts, options.engineOptions);
  const band = gemBandOf(artifacts.manifest);
  const facts = movieFacts(artifacts, band);
  const watchFactors = watchFactorsOf(artifacts);
  const foldIn = createWatchFoldIn(watchFactors);
  const groups = dealGroups(members, protocol.groupSize, seed + 3);

  const lines: ResultLine[] = [
    {
      name: 'new-members.protocol',
      seed,
      rows: options.validation ? 'validation: train rows only' : options.extra ? 'train + test' : 'train',
      k,
      draws,
      resamples,
      members: members.length,
      groups: groups.length,
      told: protocol.told,
      ...(options.toldVia && options.toldVia !== 'direct' ? { toldVia: ['direct', options.toldVia] } : {}),
      trainRows: trainRows.ratings.length,
      band,
      engine: { method: engine.method, settings: engine.settings, options: options.engineOptions ?? {} },
      foldIn: {
        lambda: watchFactors.lambda,
        alpha: watchFactors.alpha,
        dim: watchFactors.dim,
        normalised: watchFactors.normalised,
        ...(watchFactors.normalised
          ? { note: 'solved on the unit-length serving vectors: the artifact stores no raw factors' }
          : {}),
      },
      qualifies: `>= ${Math.max(...protocol.told) + protocol.spareRatings} ratings and >= ${protocol.minLiked} rated >= ${protocol.likedThreshold}`,
      relevant: `untold ratings >= ${protocol.likedThreshold}`,
      groupHit: 'a movie at least one member rated >= 4 (untold); also: liked by >= 2',
    },
  ];

  const personalMethods = personalListMethods(engine, artifacts, facts, foldIn, k);
  let importMatcher: ReturnType<typeof createTitleMatcher> | undefined;
  const groupMethods = groupListMethods(engine, facts, foldIn, k);
  for (const n of protocol.told) {
    const told = members.map((member) => tell(member, n, protocol.likedThreshold));
    const personal = measure(personalMethods, told, (unit) => ({
      any: unit.relevant,
    }));
    lines.push(...reportLists(personal, { told: n, unit: 'members', k, facts }));
    keepPerUnit(
      personal,
      `N=${n}`,
      told.map((member) => String(member.userId)),
    );
    lines.push(
      ...compare(personal, n, 'any', [
        ['foryou.gems', 'fold-in-band'],
        ['foryou.gems@top', 'fold-in-band'],
        ['foryou.gems', 'random-band'],
        ['foryou.gems@top', 'random-band'],
        ['foryou.gems', 'foryou.gems@top'],
        ['foryou.gems', 'fold-in-all'],
        ['foryou.popular', 'most-rated'],
        ['foryou.popular@top', 'most-rated'],
        ['foryou.popular', 'knn-summed'],
      ]),
    );
    if (options.toldVia === 'letterboxd') lines.push(...toldViaImport(told, n, personal));

    const groupUnits = groups.map((group) =>
      groupUnit(group.map((m) => tell(m, n, protocol.likedThreshold))),
    );
    const grouped = measure(groupMethods, groupUnits, (unit) => ({
      any: unit.likedByAny,
      two: unit.likedByTwo,
    }));
    lines.push(...reportLists(grouped, { told: n, unit: 'groups', k, facts }));
    keepPerUnit(
      grouped,
      `N=${n} groups`,
      groupUnits.map((group) => group.members.map((member) => member.userId).join('+')),
    );
    for (const relevance of ['any', 'two'])
      lines.push(
        ...compare(grouped, n, relevance, [
          ['movienight.gems', 'pooled-fold-in-band'],
          ['movienight.gems@top', 'pooled-fold-in-band'],
          ['movienight.popular', 'most-rated'],
        ]),
      );

    lines.push(...serverListLines(groupUnits, n));
    say(`N = ${n} measured in ${seconds(started)} s`);
  }
  return lines;

  /**
   * The same members telling the same N ratings through a Letterboxd export and /import's matching: the
   * import's tally, and /foryou's lists paired with the direct ones.
   */
  function toldViaImport(
    told: readonly ToldMember[],
    n: number,
    direct: Map<string, Measured>,
  ): ResultLine[] {
    const matcher = (importMatcher ??= createTitleMatcher(artifacts.movies.values()));
    const tally = emptyTally();
    const imported = told.map((member) => toldViaLetterboxd(member, options.movies, matcher, seed, tally));
    const forYou = personalMethods.filter((method) => method.name === 'foryou');
    const measured = measure(forYou, imported, (unit) => ({ any: unit.relevant }));
    const both = new Map([
      ...direct,
      ...[...measured].map(([list, m]) => [`${list} via letterboxd`, m] as const),
    ]);
    return [
      {
        name: 'new-members.told-via',
        told: n,
        via: 'letterboxd',
        members: told.length,
        ...tally,
        rewriting:
          'src/eval/member-exports.ts (the test exports): article first, accents, alternate titles, 10 % of years one off',
      },
      ...compare(
        both,
        n,
        'any',
        [...measured.keys()].map((list) => [`${list} via letterboxd`, list] as [string, string]),
      ),
    ];
  }

  function keepPerUnit(measured: Map<string, Measured>, prefix: string, ids: readonly string[]): void {
    if (!options.perUnit) return;
    for (const [list, m] of measured)
      for (const relevance of Object.keys(m.runs[0])) {
        const hits = perUnit(m, relevance, 'hits');
        const key = `${prefix} ${list}${relevance === 'any' ? '' : `.${relevance}`}`;
        options.perUnit[key] = Object.fromEntries(ids.map((id, i) => [id, hits[i]]));
      }
  }

  /** Per list: per-unit hits and nDCG for each relevance, per draw; and the lists served. */
  function measure<Unit>(
    methods: readonly ListMethod<Unit>[],
    units: readonly Unit[],
    relevantOf: (unit: Unit) => Record<string, ReadonlySet<number>>,
  ): Map<string, Measured> {
    const out = new Map<string, Measured>();
    for (const method of methods) {
      const runs: { label: string; rngOf: (i: number) => Rng }[] = method.drawn
        ? [
            ...Array.from({ length: draws }, (_, d) => ({
              label: `draw${d}`,
              rngOf: (i: number) => createRng(seed * 1_000_003 + d * 7_919 + i),
            })),
            ...(method.noTop ? [] : [{ label: 'top', rngOf: () => TOP }]),
          ]
        : [{ label: 'deterministic', rngOf: (i: number) => createRng(seed * 1_000_003 + i) }];
      const answers = runs.map((run) => units.map((unit, i) => method.answer(unit, run.rngOf(i))));
      for (const list of method.lists) {
        const byRun = answers.map((perUnit) => perUnit.map((lists) => lists[list] ?? []));
        const score = (lists: number[][]) => {
          const relevances = Object.keys(relevantOf(units[0]));
          return Object.fromEntries(
            relevances.map((relevance) => [
              relevance,
              {
                hits: lists.map((movieIds, i) => hitsIn(movieIds, relevantOf(units[i])[relevance], k)),
                ndcg: lists.map((movieIds, i) => ndcgAtK(movieIds, relevantOf(units[i])[relevance], k)),
              },
            ]),
          );
        };
        if (method.drawn) {
          const drawn = byRun.slice(0, draws).map(score);
          out.set(list, { drawn: true, runs: drawn, lists: byRun.slice(0, draws) });
          if (!method.noTop)
            out.set(`${list}@top`, { drawn: false, runs: [score(byRun[draws])], lists: [byRun[draws]] });
        } else {
          out.set(list, { drawn: false, runs: [score(byRun[0])], lists: [byRun[0]] });
        }
      }
    }
    return out;
  }

  function compare(
    measured: Map<string, Measured>,
    n: number,
    relevance: string,
    pairs: readonly [string, string][],
  ): ResultLine[] {
    return pairs.flatMap(([a, b]) => {
      const left = measured.get(a);
      const right = measured.get(b);
      if (!left || !right) return [];
      const comparison = pairedBootstrap(
        perUnit(left, relevance, 'hits'),
        perUnit(right, relevance, 'hits'),
        {
          seed: seed + n,
          resamples,
        },
      );
      return [
        {
          name: 'new-members.compare',
          told: n,
          a,
          b,
          relevance,
          metric: 'hitsPer100',
          ...per100(comparison),
        },
      ];
    });
  }

  function serverListLines(units: readonly GroupUnit[], n: number): ResultLine[] {
    const pool = facts.listable;
    const lists = units.map((unit, i) =>
      buildServerList(
        unit.likedByAny,
        unit.told,
        pool,
        facts.count,
        groupRng(seed + n, i),
        DEFAULT_SERVER_LIST,
      ),
    );
    const memberRatings = units.map((unit) => unit.members.map((m) => m.told));
    const engineRanks = hasGroupListRanking(engine);
    const rankers: Record<string, GroupListRanker> = {
      ...(engineRanks ? { engine: (members, movieIds) => rankListForGroup(engine, members, movieIds)! } : {}),
      'pooled-fold-in': (members, movieIds) => rankBy(movieIds, foldIn.score(pooled(members), movieIds)),
      'mean-member-fold-in': (members, movieIds) =>
        rankBy(movieIds, meanMemberScores(foldIn, members, movieIds)),
      'most-rated': (_, movieIds) =>
        rankBy(
          movieIds,
          Float64Array.from(movieIds, (id) => facts.count(id)),
        ),
    };
    const scores = scoreServerLists(lists, memberRatings, rankers, k);
    const lines: ResultLine[] = [];
    for (const [name, values] of Object.entries(scores)) {
      lines.push({
        name: 'new-members.server-list',
        told: n,
        ranker: name,
        groups: units.length,
        list: DEFAULT_SERVER_LIST,
        others: 'no member liked or told them; each as well known as a liked one (nearest training counts)',
        likedInList: round(mean(lists.map((l) => l.relevant.size)), 2),
        ndcg: round(mean(values)),
        ...(name === 'random' ? { note: 'exact expectation over uniformly random orders' } : {}),
        ...(name === 'engine' || engineRanks
          ? {}
          : { todo: 'the engine exposes no rankForGroup yet (src/eval/server-list.ts rankListForGroup)' }),
      });
      if (name === 'random') continue;
      const c = pairedBootstrap(values, scores.random, { seed: seed + n, resamples });
      lines.push({
        name: 'new-members.compare',
        told: n,
        a: `server-list.${name}`,
        b: 'server-list.random',
        relevance: 'any',
        metric: 'ndcg@5',
        difference: round(c.difference),
        low: round(c.low),
        high: round(c.high),
        ratio: c.ratio === null ? null : round(c.ratio, 3),
        n: c.n,
      });
    }
    return lines;
  }
}

interface RelevanceScores {
  hits: number[];
  ndcg: number[];
}

interface Measured {
  drawn: boolean;
  /** One entry per draw (one for deterministic lists): relevance → per-unit scores. */
  runs: Record<string, RelevanceScores>[];
  lists: number[][][];
}

function perUnit(measured: Measured, relevance: string, metric: keyof RelevanceScores): number[] {
  return meanOverDraws(measured.runs.map((run) => run[relevance][metric]));
}

function per100(c: PairedComparison): Record<string, unknown> {
  return {
    n: c.n,
    meanA: round(100 * c.meanA, 1),
    meanB: round(100 * c.meanB, 1),
    difference: round(100 * c.difference, 1),
    low: round(100 * c.low, 1),
    high: round(100 * c.high, 1),
    ratio: c.ratio === null ? null : round(c.ratio, 3),
  };
}

function reportLists(
  measured: Map<string, Measured>,
  context: { told: number; unit: string; k: number; facts: MovieFacts },
): ResultLine[] {
  const lines: ResultLine[] = [];
  for (const [list, m] of measured) {
    const relevances = Object.keys(m.runs[0]);
    const served = servedStats(m.lists[0], (id) => context.facts.count(id));
    const line: ResultLine = {
      name: 'new-members',
      told: context.told,
      list,
      draw: m.drawn ? `mean of ${m.runs.length} seeds` : list.endsWith('@top') ? 'top' : 'deterministic',
      [context.unit]: m.runs[0][relevances[0]].hits.length,
      k: context.k,
    };
    for (const relevance of relevances) {
      const hits = perUnit(m, relevance, 'hits');
      const suffix = relevance === 'any' ? '' : `.${relevance}`;
      line[`hitsPer100${suffix}`] = round(100 * mean(hits), 1);
      line[`hitsPer100StdErr${suffix}`] = round(100 * standardError(hits), 1);
      line[`ndcg${suffix}`] = round(mean(perUnit(m, relevance, 'ndcg')));
      if (m.drawn)
        line[`hitsPer100PerSeed${suffix}`] = m.runs.map((run) => round(100 * mean(run[relevance].hits), 1));
    }
    line.precision = round((line.hitsPer100 as number) / 100 / context.k);
    line.distinct = served.coverage;
    line.topMovieShare = round(served.topMovieShare, 3);
    line.topMovieId = served.topMovieId;
    line.medianCount = served.novelty;
    if (m.drawn) line.servedStatsOf = 'the first seed';
    lines.push(line);
  }
  return lines;
}

function hitsIn(list: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  for (const movieId of list.slice(0, k)) if (relevant.has(movieId)) hits++;
  return hits;
}

function standardError(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (n - 1) / n);
}

/** What the baselines know about the movies: training counts, the band, the most-rated order. */
interface MovieFacts {
  count(movieId: number): number;
  /** Movies in the gem band, ascending id. */
  band: number[];
  /** Every movie with at least the band's minimum, ascending id: what a server list is drawn from. */
  listable: number[];
  /** Every rated movie, most-rated first (ties: lower id). */
  mostRated: number[];
}

function movieFacts(artifacts: Artifacts, band: Band): MovieFacts {
  const counts = new Map<number, number>();
  for (const movie of artifacts.movies.values()) if (movie.count > 0) counts.set(movie.movieId, movie.count);
  const ids = [...counts.keys()].sort((a, b) => a - b);
  return {
    count: (movieId) => counts.get(movieId) ?? 0,
    band: ids.filter((id) => counts.get(id)! >= band.min && counts.get(id)! <= band.max),
    listable: ids.filter((id) => counts.get(id)! >= band.min),
    mostRated: [...ids].sort((a, b) => counts.get(b)! - counts.get(a)! || a - b),
  };
}

function personalListMethods(
  engine: Engine,
  artifacts: Artifacts,
  facts: MovieFacts,
  foldIn: WatchFoldIn,
  k: number,
): ListMethod<ToldMember>[] {
  const bandWithFactors = facts.band.filter((id) => foldIn.has(id));
  const allWithFactors = facts.mostRated.filter((id) => foldIn.has(id)).sort((a, b) => a - b);
  return [
    {
      name: 'foryou',
      drawn: true,
      lists: ['foryou.popular', 'foryou.gems'],
      answer: (member, rng) => {
        const answer = ask(() =>
          engine.forYou(member.told, { rng, perSource: k, exclude: member.toldMovies }),
        );
        return { 'foryou.popular': answer.popular, 'foryou.gems': answer.gems };
      },
    },
    deterministic('most-rated', (member) => firstUnseen(facts.mostRated, member.toldMovies, k)),
    randomBand<ToldMember>(facts, k, (member) => member.toldMovies),
    deterministic('fold-in-band', (member) => {
      const rated = member.told.map((r) => r.movieId);
      return topScored(bandWithFactors, foldIn.score(rated, bandWithFactors), k, (id) =>
        member.toldMovies.has(id),
      );
    }),
    deterministic('fold-in-all', (member) => {
      const rated = member.told.map((r) => r.movieId);
      return topScored(allWithFactors, foldIn.score(rated, allWithFactors), k, (id) =>
        member.toldMovies.has(id),
      );
    }),
    deterministic('knn-summed', (member) => knnSummed(artifacts, member.told, member.toldMovies, k)),
  ];
}

function groupListMethods(
  engine: Engine,
  facts: MovieFacts,
  foldIn: WatchFoldIn,
  k: number,
): ListMethod<GroupUnit>[] {
  const bandWithFactors = facts.band.filter((id) => foldIn.has(id));
  return [
    {
      name: 'movienight',
      drawn: true,
      lists: ['movienight.popular', 'movienight.gems'],
      answer: (group, rng) => {
        const answer = ask(() =>
          engine.movieNight(
            group.members.map((m) => m.told),
            { rng, perSource: k, exclude: group.told },
          ),
        );
        return { 'movienight.popular': answer.popular, 'movienight.gems': answer.gems };
      },
    },
    deterministic('most-rated', (group) => firstUnseen(facts.mostRated, group.told, k)),
    randomBand<GroupUnit>(facts, k, (group) => group.told),
    deterministic('pooled-fold-in-band', (group) =>
      topScored(
        bandWithFactors,
        foldIn.score(pooled(group.members.map((m) => m.told)), bandWithFactors),
        k,
        (id) => group.told.has(id),
      ),
    ),
    deterministic('mean-member-fold-in-band', (group) =>
      topScored(
        bandWithFactors,
        meanMemberScores(
          foldIn,
          group.members.map((m) => m.told),
          bandWithFactors,
        ),
        k,
        (id) => group.told.has(id),
      ),
    ),
  ];
}

/** k random band movies the unit has not told (drawn: scored over the seeds like the engine's lists). */
function randomBand<Unit>(
  facts: MovieFacts,
  k: number,
  told: (unit: Unit) => ReadonlySet<number>,
): ListMethod<Unit> {
  return {
    name: 'random-band',
    drawn: true,
    noTop: true,
    lists: ['random-band'],
    answer: (unit, rng) => ({
      'random-band': sampleDistinct(
        facts.band.filter((id) => !told(unit).has(id)),
        k,
        rng,
      ),
    }),
  };
}

function deterministic<Unit>(name: string, rank: (unit: Unit) => number[]): ListMethod<Unit> {
  return { name, drawn: false, lists: [name], answer: (unit) => ({ [name]: rank(unit) }) };
}

/** The engine's answer as two id lists; a refusal (too few known movies) is an empty answer, no hits. */
function ask(request: () => Recommendations): { popular: number[]; gems: number[] } {
  try {
    const answer = request();
    return {
      popular: answer.popularPicks.map((r) => r.movieId),
      gems: answer.hiddenGems.map((r) => r.movieId),
    };
  } catch (error) {
    if (error instanceof RecommendError) return { popular: [], gems: [] };
    throw error;
  }
}

function firstUnseen(ranked: readonly number[], seen: ReadonlySet<number>, k: number): number[] {
  const chosen: number[] = [];
  for (const movieId of ranked) {
    if (chosen.length === k) break;
    if (!seen.has(movieId)) chosen.push(movieId);
  }
  return chosen;
}

/**
 * Summed kNN of the member's liked told movies (≥ 4; their best-rated when none is): each neighbour's
 * cosine similarity (1 − distance) summed over the seeds whose stored lists hold it.
 */
function knnSummed(
  artifacts: Artifacts,
  told: readonly MemberRating[],
  exclude: ReadonlySet<number>,
  k: number,
): number[] {
  const known = told.filter((r) => artifacts.knn.has(r.movieId));
  const liked = known.filter((r) => r.rating >= 4);
  const best = Math.max(...known.map((r) => r.rating));
  const seeds = (liked.length > 0 ? liked : known.filter((r) => r.rating === best)).map((r) => r.movieId);
  const sums = new Map<number, number>();
  for (const seedId of seeds)
    for (const neighbour of artifacts.knn.nearest(seedId, artifacts.manifest.knn.listLength))
      sums.set(neighbour.movieId, (sums.get(neighbour.movieId) ?? 0) + 1 - neighbour.distance);
  const top = new TopK(k);
  for (const [movieId, sum] of sums) if (!exclude.has(movieId)) top.offer(movieId, sum);
  return top.best();
}

function groupUnit(members: ToldMember[]): GroupUnit {
  const likes = new Map<number, number>();
  for (const member of members)
    for (const movieId of member.relevant) likes.set(movieId, (likes.get(movieId) ?? 0) + 1);
  const told = new Set(members.flatMap((m) => [...m.toldMovies]));
  // A movie one member told is excluded for all (the engine does the same): it cannot be a hit.
  const open = [...likes].filter(([movieId]) => !told.has(movieId));
  return {
    members,
    likedByAny: new Set(open.map(([movieId]) => movieId)),
    likedByTwo: new Set(open.filter(([, n]) => n >= 2).map(([movieId]) => movieId)),
    told,
  };
}

/** The group's told movies pooled into one viewer (a movie told by two counts once). */
function pooled(members: readonly (readonly MemberRating[])[]): number[] {
  return [...new Set(members.flatMap((ratings) => ratings.map((r) => r.movieId)))];
}

/** Each member folded in on their own, their scores averaged. */
function meanMemberScores(
  foldIn: WatchFoldIn,
  members: readonly (readonly MemberRating[])[],
  candidates: readonly number[],
): Float64Array {
  const sum = new Float64Array(candidates.length);
  for (const ratings of members) {
    const scores = foldIn.score(
      ratings.map((r) => r.movieId),
      candidates,
    );
    for (let i = 0; i < sum.length; i++) sum[i] += scores[i] / members.length;
  }
  return sum;
}

/** movieIds best first by score (NaN last; ties: lower id). */
function rankBy(movieIds: readonly number[], scores: Float64Array): number[] {
  const value = (i: number) => (Number.isNaN(scores[i]) ? -Infinity : scores[i]);
  return movieIds
    .map((_, i) => i)
    .sort((i, j) => value(j) - value(i) || movieIds[i] - movieIds[j])
    .map((i) => movieIds[i]);
}

function concatTables(a: RatingTable, b: RatingTable): RatingTable {
  const join = <T extends Int32Array | Float32Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    userIds: join(a.userIds, b.userIds, (n) => new Int32Array(n)),
    movieIds: join(a.movieIds, b.movieIds, (n) => new Int32Array(n)),
    ratings: join(a.ratings, b.ratings, (n) => new Float32Array(n)),
  };
}

function seconds(since: number): number {
  return round((performance.now() - since) / 1000, 1);
}

export type { NewMember };
