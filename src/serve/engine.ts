/**
 * The recommendation engine: 5 "popular picks" + 5 "hidden gems" for three picks from the catalog
 * (/recommend), for one member's ratings (/foryou) or for a group (/movienight). Never a pick, a rated or
 * excluded movie, or a duplicate; /recommend never returns a catalog movie. No Discord in here.
 *
 * One gem method per command, all from the taste model: /recommend's from the MF path's movie vectors and
 * exposure prices (watch-gems.ts), /foryou's and /movienight's from each member folded into the MF path
 * (taste-source.ts), the stars path (the DNMF, gem-source.ts) guarding against predicted dislikes. A
 * version without them is not served (artifacts/verify.ts). Popular picks come from the item kNN.
 *
 * Everything that does not depend on the request is done once per version: each catalog movie's kNN
 * neighbour list and its cosines to the gem band. A request re-scores the band for its picks or ratings.
 */
import { missingPrices, pricedWatch, WATCH_GEMS } from './watch-gems.ts';
import type { Artifacts } from '../artifacts/types.ts';
import { createGemSource, DISLIKE_BELOW, groupScore, type GemSource } from './gem-source.ts';
import type { FoldedUser } from './fold-in.ts';
import { createNeighbourSource, NEIGHBOURS_PER_SOURCE, type NeighbourSource } from './neighbour-source.ts';
import type { PicksRanker, PicksRanking } from './picks-ranking.ts';
import { stepsOf } from './stepwise-build.ts';
import { gemBand } from '../artifacts/gem-band.ts';
import { createPopularityFallback } from './popularity-fallback.ts';
import { drawRanked } from './ranked-draw.ts';
import type {
  Candidate,
  MemberRating,
  Recommendation,
  RecommendationReason,
  Recommendations,
  ScoredCandidate,
} from './recommendation.ts';
import { takenMovies, type TakenMovies } from './taken-movies.ts';
import { RecommendError } from './recommend-error.ts';
import { createRng, type Rng } from '../random.ts';
import type { UserVector } from '../model/dnmf.ts';
import { createTasteSource, type StarsGuard, type TasteOptions, type TasteSource } from './taste-source.ts';
import type { FoldedTaste } from '../model/taste-fold-in.ts';

export type { MemberRating } from './recommendation.ts';

export const PICK_COUNT = 3;
export const DEFAULT_PER_SOURCE = 5;
/** Fewest ratings (of movies the model knows) a member needs for /foryou and to count in /movienight. */
export const MIN_PERSONAL_RATINGS = 3;
export const MAX_MOVIE_NIGHT_MEMBERS = 6;
/** A rating this high marks a movie as liked: the kNN side of /foryou starts from these. */
export const LIKED_RATING = 4;
/** Liked movies the kNN side reads per member (the best-rated ones). */
export const PERSONAL_SEEDS = 5;
/** Liked movies per member in /movienight (each member's seeds weigh the same in total). */
export const GROUP_SEEDS_PER_MEMBER = 3;
/**
 * A list's movies are drawn among the best DRAW_WINDOW_FACTOR × perSource candidates, so asking again
 * gives a different mix while the best-ranked remain the likeliest.
 */
export const DRAW_WINDOW_FACTOR = 2;

export interface RecommendOptions {
  /** Source of randomness; a fresh Math.random-seeded one per request when omitted. Seed it in tests. */
  rng?: Rng;
  /** Movies per list (default 5). */
  perSource?: number;
  /** Movies never to return (what the member rated, marked seen or not interested). */
  exclude?: ReadonlySet<number>;
}

/** One movie's predicted reception by a group (stars ½–5 for the two predictions). */
export interface GroupScore {
  score: number;
  meanPredicted: number;
  lowestPredicted: number;
}

export interface Engine {
  /** How /recommend ranks its gems: 'watch' when serving (PicksRanking.name). */
  readonly method: string;
  /** The serving constants behind the answers, for evaluation reports. */
  readonly settings: Readonly<Record<string, unknown>>;
  /**
   * Picks come from user input, so they are checked at run time (not only by the type): exactly 3 distinct
   * known movie ids, else a RecommendError.
   */
  recommend(picks: readonly number[], options?: RecommendOptions): Recommendations;
  /**
   * Personal picks from a member's ratings (½–5). Fewer than MIN_PERSONAL_RATINGS of movies the model
   * knows → RecommendError 'too-few-ratings' (its message says how many more). `picks` is empty.
   */
  forYou(ratings: readonly MemberRating[], options?: RecommendOptions): Recommendations;
  /**
   * Group picks from each member's ratings (one array per member, 1–6 members). Members with fewer than
   * MIN_PERSONAL_RATINGS ratings do not shape the ranking (the caller names them); nothing any member
   * rated is returned. No qualifying member → 'too-few-ratings'.
   */
  movieNight(members: readonly (readonly MemberRating[])[], options?: RecommendOptions): Recommendations;
  /**
   * The group's predicted score of given movies, the way movieNight's dislike guard and group gems rank:
   * a movie nobody is predicted to rate below DISLIKE_BELOW scores 10 + the members' mean prediction,
   * any other its lowest prediction (so guarded movies come first). Only qualifying members count, as in
   * movieNight; a movie the model cannot predict is left out of the map.
   */
  groupScores(
    members: readonly (readonly MemberRating[])[],
    movieIds: readonly number[],
  ): Map<number, GroupScore>;
  /**
   * Given movies (a server's list) ranked for the group by groupScores, best first; movies the model
   * cannot predict keep their order after the others. The same ids come back, nothing dropped.
   */
  rankForGroup(members: readonly (readonly MemberRating[])[], movieIds: readonly number[]): number[];
  /** Resolves once every catalog movie's precomputation is done (at once unless created with warm: 'later'). */
  warmed: Promise<void>;
}

export interface CreateEngineOptions {
  /**
   * 'now' (default) does every catalog movie's precomputation before returning; 'later' does it in the
   * background, yielding between movies, for a bot that must keep answering while it swaps versions.
   */
  warm?: 'now' | 'later';
  /**
   * How /recommend ranks its gems: the MF path (WATCH_GEMS, what the bot serves) unless the evaluation
   * passes a baseline (src/eval/pick-lift.ts) to compare through the same draws and fallbacks.
   */
  picks?: PicksRanking;
  /**
   * The taste model's options for /foryou and /movienight (taste-source.ts), or false to rank them by the
   * DNMF alone, as versions without the MF path's fold-in data do (for the evaluation's comparison).
   */
  taste?: Partial<TasteOptions> | false;
}

interface Lists {
  popular: Candidate[];
  gems: Candidate[];
}

export function createEngine(artifacts: Artifacts, options: CreateEngineOptions = {}): Engine {
  const picksRanking = options.picks ?? WATCH_GEMS;
  const method = picksRanking.name;
  if (picksRanking === WATCH_GEMS && !pricedWatch(artifacts)) throw new Error(missingPrices(artifacts));
  const catalogIds = new Set(artifacts.catalog.map((entry) => entry.movieId));
  const isCatalog = (movieId: number) => catalogIds.has(movieId);
  const fallback = createPopularityFallback(artifacts, catalogIds);
  // The sources' precomputation (the picks' cosines to the band, neighbour sums) is built on first use,
  // and with warm: 'later' one source at a time between other work: a bot swapping in a retrained version
  // keeps answering instead of stalling for the whole precomputation at once.
  let picksRanker: PicksRanker | undefined;
  let gemSource: GemSource | undefined;
  let neighbourSource: NeighbourSource | undefined;
  const picksOf = () => (picksRanker ??= stepsOf(picksRanking.build(artifacts)).finish());
  /** Builds the picks' ranker with a pause at each of its steps (unless something needed it sooner). */
  const buildPicksPausing = async (pause: () => Promise<void>): Promise<PicksRanker> => {
    const steps = picksRanking.build(artifacts);
    for (let next = steps.next(); ; next = steps.next()) {
      if (next.done) return (picksRanker ??= next.value);
      await pause();
      if (picksRanker) return picksRanker;
    }
  };
  const gemsOf = () => (gemSource ??= createGemSource(artifacts));
  const neighboursOf = () =>
    (neighbourSource ??= createNeighbourSource(artifacts, isCatalog, catalogIds.size));
  // /foryou and /movienight rank with the taste model's MF path where the version stores its fold-in.
  const taste: TasteSource | undefined =
    options.taste === false ? undefined : createTasteSource(artifacts, options.taste ?? {});
  const warmed = warmSources(buildPicksPausing, picksOf, neighboursOf, catalogIds, options.warm ?? 'now');

  function answer(
    picks: readonly number[],
    options: RecommendOptions,
    isCatalogExcluded: boolean,
    extraTaken: Iterable<number>,
    choose: (taken: TakenMovies, perSource: number, rng: Rng) => Lists,
  ): Recommendations {
    const rng = options.rng ?? createRng();
    const perSource = options.perSource ?? DEFAULT_PER_SOURCE;
    if (!Number.isInteger(perSource) || perSource < 1) {
      throw new RangeError(`perSource must be a positive integer, got ${perSource}`);
    }
    const taken = takenMovies([...picks, ...extraTaken], options.exclude);
    const lists = choose(taken, perSource, rng);
    // The fallback never proposes catalog movies, so it needs no flag for it.
    const isTaken = (movieId: number) => taken.has(movieId) || (isCatalogExcluded && catalogIds.has(movieId));
    const finish = (drawn: Candidate[]): Recommendation[] => {
      const filled = [...drawn, ...fallbackFor(perSource - drawn.length)];
      return filled.map((candidate) => ({
        movieId: candidate.movieId,
        // Sources only propose movies present in artifacts.movies.
        movie: artifacts.movies.get(candidate.movieId)!,
        // A copy: cached candidates are shared between requests.
        reason: copyReason(candidate.reason),
      }));
    };
    const hiddenGems = finish(lists.gems);
    const popularPicks = finish(lists.popular);
    return { picks: [...picks], popularPicks, hiddenGems };

    function fallbackFor(missing: number): Candidate[] {
      if (missing <= 0) return [];
      const extra = fallback(missing, isTaken, rng);
      for (const candidate of extra) taken.add(candidate.movieId);
      if (extra.length < missing) {
        throw new RecommendError('not-enough-movies', 'Not enough movies left to recommend.');
      }
      return extra;
    }
  }

  /** Draws one list from a ranking and marks what it chose as taken, so the other list cannot repeat it. */
  function draw(ranked: readonly ScoredCandidate[], taken: TakenMovies, perSource: number, rng: Rng) {
    const drawn = drawRanked(ranked, perSource, DRAW_WINDOW_FACTOR * perSource, rng, (id) => taken.has(id));
    for (const candidate of drawn) taken.add(candidate.movieId);
    return drawn;
  }

  function personal(
    user: UserVector,
    ratings: readonly MemberRating[],
    ratingCount: number,
    options: RecommendOptions,
    folded?: FoldedTaste,
  ): Recommendations {
    return answer(
      [],
      options,
      false,
      ratings.map((r) => r.movieId),
      (taken, perSource, rng) => {
        const isTaken = (movieId: number) => taken.has(movieId);
        if (taste && folded) {
          const member = [user];
          const stars: StarsGuard = (movieId) => gemsOf().predictions(member, movieId);
          // The movies shown get their reasons' rated movies (one solve each), not every candidate.
          const explained = (drawn: Candidate[]) =>
            drawn.map((c) =>
              c.reason.kind === 'taste'
                ? { ...c, reason: { ...c.reason, ...explain(taste.because(folded, c.movieId)) } }
                : c,
            );
          const gems = explained(draw(taste.gems(folded, isTaken, stars), taken, perSource, rng));
          const knn = neighboursOf().combined(bestRated(ratings, PERSONAL_SEEDS), isTaken, 'your-ratings');
          const popular = explained(draw(taste.popular(folded, isTaken, knn, stars), taken, perSource, rng));
          return { popular, gems };
        }
        const gemList = draw(gemsOf().personal(user, isTaken, ratingCount), taken, perSource, rng);
        const seeds = bestRated(ratings, PERSONAL_SEEDS);
        const popular = draw(neighboursOf().combined(seeds, isTaken, 'your-ratings'), taken, perSource, rng);
        return { popular, gems: gemList };
      },
    );
  }

  function foldMember(ratings: readonly MemberRating[]): { user: FoldedUser; known: number } {
    const rated = gemsOf().rowRatings(ratings);
    return { user: gemsOf().foldIn(rated), known: rated.length };
  }

  function bestRated(ratings: readonly MemberRating[], count: number): number[] {
    return ratings
      .filter((r) => r.rating >= LIKED_RATING && artifacts.knn.has(r.movieId))
      .sort((a, b) => b.rating - a.rating || a.movieId - b.movieId)
      .slice(0, count)
      .map((r) => r.movieId);
  }

  const band = gemBand(artifacts.manifest);
  const settings = {
    method,
    gemBand: { minRatings: band.minRatings, belowRatings: band.belowRatings },
    ...picksRanking.settings(artifacts),
    drawWindowFactor: DRAW_WINDOW_FACTOR,
    neighboursPerSource: NEIGHBOURS_PER_SOURCE,
    likedRating: LIKED_RATING,
    personalSeeds: PERSONAL_SEEDS,
    groupSeedsPerMember: GROUP_SEEDS_PER_MEMBER,
    dislikeBelow: DISLIKE_BELOW,
    minPersonalRatings: MIN_PERSONAL_RATINGS,
    ...(taste ? { taste: taste.options } : {}),
  };

  return {
    method,
    settings,
    warmed,

    recommend(picks, options = {}) {
      validatePicks(artifacts, picks);
      return answer(picks, options, true, [], (taken, perSource, rng) => {
        const isTaken = (movieId: number) => taken.has(movieId) || catalogIds.has(movieId);
        // Hidden gems first: their band is narrower, so a movie both lists could hold goes there.
        const gemList = draw(picksOf().rank(picks, isTaken), taken, perSource, rng);
        const popular = draw(neighboursOf().combined(picks, isTaken, 'picks'), taken, perSource, rng);
        return { popular, gems: gemList };
      });
    },

    forYou(ratings, options = {}) {
      validateRatings(ratings);
      const { user, known } = foldMember(ratings);
      requireEnough(known);
      return personal(user, ratings, known, options, taste?.fold(ratings));
    },

    groupScores(members, movieIds) {
      members.forEach((ratings) => validateRatings(ratings));
      const users = members
        .map(foldMember)
        .filter(({ known }) => known >= MIN_PERSONAL_RATINGS)
        .map(({ user }) => user);
      const scores = new Map<number, GroupScore>();
      if (users.length === 0) return scores;
      for (const movieId of movieIds) {
        const predicted = gemsOf().predictions(users, movieId);
        if (predicted === undefined) continue;
        scores.set(movieId, groupScore(predicted));
      }
      return scores;
    },

    rankForGroup(members, movieIds) {
      const scores = this.groupScores(members, movieIds);
      const unscored = (movieId: number) => (scores.has(movieId) ? 0 : 1);
      // Array.prototype.sort is stable: ties, and the movies without a prediction, keep the list's order.
      return [...movieIds].sort(
        (a, b) => unscored(a) - unscored(b) || (scores.get(b)?.score ?? 0) - (scores.get(a)?.score ?? 0),
      );
    },

    movieNight(members, options = {}) {
      if (members.length < 1 || members.length > MAX_MOVIE_NIGHT_MEMBERS) {
        throw new RecommendError(
          'wrong-member-count',
          `A movie night needs 1–${MAX_MOVIE_NIGHT_MEMBERS} members (got ${members.length}).`,
        );
      }
      members.forEach((ratings) => validateRatings(ratings));
      const folded = members.map(foldMember);
      const qualifies = folded.map(({ known }) => known >= MIN_PERSONAL_RATINGS);
      if (!qualifies.includes(true)) requireEnough(Math.max(...folded.map(({ known }) => known)));
      const users = folded.filter((_, i) => qualifies[i]).map(({ user }) => user);
      const qualifying = members.filter((_, i) => qualifies[i]);
      const everyRated = members.flatMap((ratings) => ratings.map((r) => r.movieId));
      return answer([], options, false, everyRated, (taken, perSource, rng) => {
        const isTaken = (movieId: number) => taken.has(movieId);
        // A member none of whose movies the MF path knows still counts through the stars path's guard.
        const tastes = taste ? qualifying.flatMap((ratings) => taste.fold(ratings) ?? []) : [];
        const gemList = draw(
          taste && tastes.length > 0
            ? taste.group(tastes, isTaken, (movieId) => gemsOf().predictions(users, movieId))
            : gemsOf().group(users, isTaken),
          taken,
          perSource,
          rng,
        );
        const seedLists = qualifying.map((ratings) => bestRated(ratings, GROUP_SEEDS_PER_MEMBER));
        const seeds = seedLists.flat();
        const weights = seedLists.flatMap((list) => list.map(() => 1 / list.length));
        const ranked = neighboursOf().combined(seeds, isTaken, 'group-ratings', weights);
        const popular = draw(guardAgainstDislike(ranked, users, gemsOf()), taken, perSource, rng);
        return { popular, gems: gemList };
      });
    },
  };
}

/** How many of a ranking /movienight checks against the members' predicted dislikes. */
const GUARDED = 60;

/** Moves movies any member is predicted to rate below DISLIKE_BELOW behind the rest (stable otherwise). */
function guardAgainstDislike(
  ranked: readonly ScoredCandidate[],
  users: readonly UserVector[],
  gems: GemSource,
): ScoredCandidate[] {
  const head = ranked.slice(0, GUARDED);
  const disliked = (candidate: ScoredCandidate) => {
    const predicted = gems.predictions(users, candidate.movieId);
    return predicted !== undefined && Math.min(...predicted) < DISLIKE_BELOW;
  };
  const ok = head.filter((candidate) => !disliked(candidate));
  const rest = head.filter(disliked);
  // Scores stay comparable within a tier; the guarded tier comes first whatever its scores.
  const bump = ok.length > 0 ? Math.max(...ok.map((c) => c.score)) + 1 : 0;
  return [...ok.map((c) => ({ ...c, score: c.score + bump })), ...rest, ...ranked.slice(GUARDED)];
}

function explain({ ids, liked }: { ids: number[]; liked: boolean }) {
  return { because: ids, becauseLiked: liked };
}

function requireEnough(known: number): void {
  if (known >= MIN_PERSONAL_RATINGS) return;
  const more = MIN_PERSONAL_RATINGS - known;
  throw new RecommendError(
    'too-few-ratings',
    `Personal picks need at least ${MIN_PERSONAL_RATINGS} ratings: rate ${more} more ${more === 1 ? 'movie' : 'movies'}.`,
  );
}

/**
 * 'now': builds both sources and every catalog movie's precomputation before returning. 'later': the
 * same with a pause (setImmediate) between steps of a few milliseconds each, for a running bot.
 */
function warmSources(
  buildPicks: (pause: () => Promise<void>) => Promise<PicksRanker>,
  picksOf: () => PicksRanker,
  neighboursOf: () => NeighbourSource,
  catalogIds: ReadonlySet<number>,
  warm: 'now' | 'later',
): Promise<void> {
  if (warm === 'now') {
    for (const movieId of catalogIds) {
      picksOf().warm(movieId);
      neighboursOf().warm(movieId);
    }
    return Promise.resolve();
  }
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  return (async () => {
    await pause();
    const picks = await buildPicks(pause);
    await pause();
    const neighbours = neighboursOf();
    for (const movieId of catalogIds) {
      await pause();
      picks.warm(movieId);
      neighbours.warm(movieId);
    }
  })();
}

function copyReason(reason: RecommendationReason): RecommendationReason {
  switch (reason.kind) {
    case 'knn-combined':
      return { ...reason, matches: reason.matches.map((match) => ({ ...match })) };
    case 'dnmf-fold-in':
      return { ...reason, pickIds: [...reason.pickIds] };
    case 'watch-similar':
      return { ...reason, matches: reason.matches.map((match) => ({ ...match })) };
    case 'taste':
      return { ...reason, because: [...reason.because] };
    default:
      return { ...reason };
  }
}

const engines = new WeakMap<Artifacts, Engine>();

/** recommend() without holding an engine: builds (once per artifacts object) and reuses it. */
export function recommend(
  artifacts: Artifacts,
  picks: readonly number[],
  options?: RecommendOptions,
): Recommendations {
  let engine = engines.get(artifacts);
  if (!engine) {
    engine = createEngine(artifacts);
    engines.set(artifacts, engine);
  }
  return engine.recommend(picks, options);
}

function validatePicks(artifacts: Artifacts, picks: readonly number[]): void {
  if (picks.length !== PICK_COUNT) {
    throw new RecommendError('wrong-count', `Pick exactly ${PICK_COUNT} movies (got ${picks.length}).`, [
      ...picks,
    ]);
  }
  const unknown = picks.filter((movieId) => !Number.isInteger(movieId) || !artifacts.movies.has(movieId));
  if (unknown.length > 0) {
    throw new RecommendError('unknown-movie', `Unknown movie id: ${unknown.join(', ')}.`, unknown);
  }
  const repeated = picks.filter((movieId, index) => picks.indexOf(movieId) !== index);
  if (repeated.length > 0) {
    throw new RecommendError(
      'duplicate-pick',
      `Movie picked more than once: ${repeated.join(', ')}.`,
      repeated,
    );
  }
}

/**
 * Ratings come from the store, which only keeps valid ones, but a bad one must still fail loudly here:
 * integer movie ids, stars ½–5, each movie once. Movies unknown to this version are allowed (a member may
 * have rated from an older version) and simply do not count.
 */
function validateRatings(ratings: readonly MemberRating[]): void {
  const seen = new Set<number>();
  for (const { movieId, rating } of ratings) {
    if (!Number.isInteger(movieId) || !(rating >= 0.5 && rating <= 5)) {
      throw new RecommendError('bad-rating', `Not a valid rating: movie ${movieId}, ${rating} stars.`, [
        movieId,
      ]);
    }
    if (seen.has(movieId)) {
      throw new RecommendError('bad-rating', `Movie ${movieId} is rated more than once.`, [movieId]);
    }
    seen.add(movieId);
  }
}
