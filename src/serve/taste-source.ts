/**
 * /foryou's and /movienight's lists from the taste model's MF path (the watch model, trained by ALS on who
 * rated what): each member folded in exactly (taste-fold-in.ts; with the members' own λ, foldInLambda),
 * movies ranked by x_u · y_m. The stars path
 * (the DNMF) only guards: a movie the member (or any member) is predicted to rate below DISLIKE_BELOW goes
 * behind every movie nobody is, and its prediction is kept in the reason for the card.
 *
 * - Gems: the gem band (gem-band.ts), by score less priceWeight × the band's exposure price (watch-prices.ts;
 *   weight 0.05, see DEFAULT_TASTE).
 * - Group gems: every member folded in on their own; each member's scores over the band divided by that
 *   member's best band score, so every member weighs the same (one with many ratings and large scores does
 *   not outvote the others), then averaged; a quarter of the weight goes to the group's pooled viewer (all
 *   their ratings in one solve, scaled the same way); and the stars path's guard keeps out anyone's
 *   predicted dislike. The mean of scaled scores is one dot product with Σ x_j / best_j, a combination of
 *   the folded-in vectors; the pooled viewer adds one solve.
 * - Popular picks: the movies above the band (the kNN's), by the member's MF score x_u · y_m, plus the summed
 *   kNN similarity to their best-rated movies (scaled by its best) and a popularity prior: a member with few
 *   ratings has small MF scores, so the prior leads for them and their taste once they rated more. The
 *   ranking returns its best popularDrawn (6), so the engine's draw picks 5 of those 6.
 */
import { gemBand, inGemBand } from '../artifacts/gem-band.ts';
import type { Artifacts } from '../artifacts/types.ts';
import type { MemberRating, RecommendationReason, ScoredCandidate } from './recommendation.ts';
import { createRowScanner, type RowScanner } from '../model/simd-kernels.ts';
import { topOf } from '../model/top-k.ts';
import { foldInTaste, sharesOf, type FoldableWatch, type FoldedTaste } from '../model/taste-fold-in.ts';

export type GroupCombine = 'mean' | 'softmin';

export interface TasteOptions {
  /** Weight of the exposure price subtracted from a gem's score (0: plain MF score). */
  priceWeight: number;
  /** How members' normalised scores combine in /movienight. */
  groupCombine: GroupCombine;
  /** Temperature of the soft minimum (in units of a member's best score). */
  softMinTemperature: number;
  /** Weight of the summed kNN similarity beside the MF score in personal popular picks. */
  knnWeight: number;
  /**
   * Weight of the popularity prior in personal popular picks: count / most ratings, beside the MF score as
   * is (x_u · y_m is small for a member with few ratings, so the prior leads for them).
   */
  popularityWeight: number;
  /**
   * The prior's weight grows as popularityWeight × max(1, fewRatings / n) for a member who told n < fewRatings
   * ratings the MF path knows (0: the same weight for everyone).
   */
  fewRatings: number;
  /**
   * Candidates the popular ranking returns: the engine draws among at most this many (a list longer than
   * this is filled by the engine's popularity fallback; the bot asks for 5).
   */
  popularDrawn: number;
  /**
   * /movienight: weight of the group's pooled fold-in (every member's ratings as one viewer, one solve), its
   * band scores scaled by its best like each member's, beside the members' mean (1 − this weight).
   */
  groupPooledWeight: number;
  /** /movienight: weight of the least-served member's scaled score added to the combination (least misery). */
  groupLeastMiseryWeight: number;
  /** Whether the stars path keeps predicted dislikes behind the rest. */
  dislikeGuard: boolean;
  /** λ of a member's fold-in solve (undefined: the one training used, stored in the version). */
  foldInLambda: number | undefined;
}

/**
 * Chosen on validation splits carved from TRAINING rows only (150 users held out of the fixed split's and of
 * seed 7's train rows, each telling 5 / 10 / 25 ratings; README "New members", session 6), never on a test
 * set; the grid and its figures are in the README.
 * - Members' fold-in λ 50 (training's is 10, kept for the movie factors and /recommend): a member who told
 *   5–25 ratings is shrunk harder than a trained user with hundreds. Gems' top 5 rose by 8–14 hits/100 at
 *   every N on both sets (fold-in λ 25: 1–11, λ 100: more hits but the most-served gem reached 11–13 % of
 *   members, over the 10 % bound); popular picks and groups did not lose.
 * - Gems: price weight 0.05, as before: with λ 50 it keeps the most-served gem at 8–9 % (10–11 % at 0 or
 *   0.025) for 1–5 hits/100; the stars path's guard stays (+4 hits/100 at N = 10 at λ 10).
 * - Popular: raw MF score + 0.25 × kNN + 1 × the share prior (unchanged), drawn among the best 6 instead of
 *   the engine's usual 10 (popularDrawn): the wider draw cost 10–25 hits/100 and lost to the 5 most-rated
 *   at N = 5; among 6 it beat them at every N on both sets (among 7: not at N = 5 on one). A stronger prior
 *   for few ratings (fewRatings 15) or prior weight 2 scored lower. Asking again still changes the list.
 * - Groups: 0.75 × the members' mean scaled score + 0.25 × the pooled viewer's scaled score (session 5: the
 *   mean alone). Every member still counts through the mean; the pooled solve adds what their ratings say
 *   together. Drawn hits summed over both sets: mean alone 749 (any) / 85 (liked by two), 0.25 pooled 770 /
 *   92, 0.5 pooled 776 / 85, pooled alone lower; adding the least-served member's score (least misery, 0.5)
 *   lost 30–60 on "any" and did not gain on "by two".
 */
export const DEFAULT_TASTE: TasteOptions = {
  priceWeight: 0.05,
  groupCombine: 'mean',
  softMinTemperature: 0.1,
  knnWeight: 0.25,
  popularityWeight: 1,
  fewRatings: 0,
  popularDrawn: 6,
  groupPooledWeight: 0.25,
  groupLeastMiseryWeight: 0,
  dislikeGuard: true,
  foldInLambda: 50,
};

/** Candidates a ranking returns: the draw window (10) and exclusions need more than the list's 5. */
export const TASTE_RANKED = 20;
/** Candidates checked against the stars path's dislike guard, best first. */
const GUARDED = 60;
/** A rating this high makes a rated movie one the member liked (named first in a reason). */
const LIKED = 4;
/** Rated movies a reason names (largest shares first). */
const BECAUSE = 3;

/** The stars path's predicted rating of a movie for each member (undefined when it does not know it). */
export type StarsGuard = (movieId: number) => readonly number[] | undefined;

export interface TasteSource {
  readonly options: TasteOptions;
  /** The member folded in from their ratings; undefined when the MF path knows none of the movies. */
  fold(ratings: readonly MemberRating[]): FoldedTaste | undefined;
  /**
   * The member's rated movies with the largest shares of a movie's score (liked ones first). One solve per
   * movie, so the engine asks only for the movies it shows; the rankings' reasons leave `because` empty.
   */
  because(member: FoldedTaste, movieId: number): { ids: number[]; liked: boolean };
  gems(member: FoldedTaste, isExcluded: (movieId: number) => boolean, stars?: StarsGuard): ScoredCandidate[];
  group(
    members: readonly FoldedTaste[],
    isExcluded: (movieId: number) => boolean,
    stars?: StarsGuard,
  ): ScoredCandidate[];
  popular(
    member: FoldedTaste,
    isExcluded: (movieId: number) => boolean,
    knn: readonly ScoredCandidate[],
    stars?: StarsGuard,
  ): ScoredCandidate[];
}

/**
 * The version's watch model when it carries what a fold-in needs (older versions: undefined), with the
 * members' λ when the options set one (foldInLambda: a member's solve shrinks harder than training's; the
 * movie factors are the same).
 */
export function foldableWatch(
  artifacts: Pick<Artifacts, 'watch'>,
  options: Pick<Partial<TasteOptions>, 'foldInLambda'> = {},
): FoldableWatch | undefined {
  const watch = artifacts.watch;
  if (!watch?.foldIn) return undefined;
  const lambda = options.foldInLambda ?? watch.foldIn.lambda;
  return { ...watch, foldIn: { ...watch.foldIn, lambda } };
}

/** A set of watch rows packed as raw factors y_m, so a scan reads memory front to back. */
interface Packed {
  movieIds: Int32Array;
  rows: Int32Array;
  scanner: RowScanner;
  prices: Float32Array;
}

export function createTasteSource(
  artifacts: Pick<Artifacts, 'manifest' | 'movies' | 'watch'>,
  options: Partial<TasteOptions> = {},
): TasteSource | undefined {
  const opts = { ...DEFAULT_TASTE, ...options };
  const watch = foldableWatch(artifacts, opts);
  if (!watch) return undefined;
  const d = watch.dim;
  const rowOf = new Map<number, number>();
  watch.movieIds.forEach((movieId, row) => rowOf.set(movieId, row));
  const band = gemBand(artifacts.manifest);
  const bandRows: number[] = [];
  const aboveRows: number[] = [];
  watch.movieIds.forEach((movieId, row) => {
    const count = artifacts.movies.get(movieId)?.count;
    if (count === undefined) return;
    if (inGemBand(band, count)) bandRows.push(row);
    else if (count >= band.belowRatings) aboveRows.push(row);
  });
  const pack = (rows: readonly number[]): Packed => {
    const factors = new Float32Array(rows.length * d);
    rows.forEach((row, i) => {
      const norm = watch.foldIn.norms[row];
      for (let k = 0; k < d; k++) factors[i * d + k] = watch.vectors[row * d + k] * norm;
    });
    return {
      movieIds: Int32Array.from(rows, (row) => watch.movieIds[row]),
      rows: Int32Array.from(rows),
      scanner: createRowScanner(factors, d),
      prices: Float32Array.from(rows, (row) => watch.prices?.[row] ?? 0),
    };
  };
  const bandSet = pack(bandRows);
  const aboveSet = pack(aboveRows);
  const countOf = (movieId: number) => artifacts.movies.get(movieId)?.count ?? 1;
  const mostRatings = aboveSet.movieIds.reduce((max, movieId) => Math.max(max, countOf(movieId)), 2);
  const popularityPrior = Float64Array.from(aboveSet.movieIds, (movieId) => countOf(movieId) / mostRatings);
  const aboveIndex = new Map<number, number>();
  aboveSet.movieIds.forEach((movieId, i) => aboveIndex.set(movieId, i));

  /**
   * Scratch reused by every request (the engine answers one request at a time and every ranking below
   * turns its scores into candidates before returning): no per-request arrays of the band's size, whose
   * allocation costs a young-generation collection every few requests at ml-32m size.
   */
  const bandScores = new Float64Array(bandSet.movieIds.length);
  const bandKeys = new Float64Array(bandSet.movieIds.length);
  const aboveScores = new Float64Array(aboveSet.movieIds.length);
  const aboveKeys = new Float64Array(aboveSet.movieIds.length);
  /** One raw score array per member of a group (grown to the largest group seen). */
  const memberScores: Float64Array[] = [];
  /** The group's pooled viewer's scores (groupPooledWeight). */
  let pooledScores: Float64Array | undefined;
  /** Per band movie during a request: 0 not asked yet, 1 open, 2 excluded (see excludedOnce). */
  const bandExclusion = new Uint8Array(bandSet.movieIds.length);

  /**
   * Asks isExcluded at most once per band movie per request: a group's ranking asks about the same movies
   * for every member, and the callback (a Set lookup or two) would otherwise cost more than the scores.
   */
  function excludedOnce(isExcluded: (movieId: number) => boolean): (index: number) => boolean {
    bandExclusion.fill(0);
    return (index) => {
      const known = bandExclusion[index];
      if (known !== 0) return known === 2;
      const excluded = isExcluded(bandSet.movieIds[index]);
      bandExclusion[index] = excluded ? 2 : 1;
      return excluded;
    };
  }

  /** x · y_m for every movie of a packed set, into out (the kernel: most of a request at ml-32m size). */
  const scan = (set: Packed, x: Float64Array, out: Float64Array) => set.scanner.scan(x, out);

  /** Movies the member rated that led most to this one (positive shares; liked movies first). */
  function because(member: FoldedTaste, movieId: number): { ids: number[]; liked: boolean } {
    const row = rowOf.get(movieId);
    if (row === undefined) return { ids: [], liked: false };
    const shares = sharesOf(watch!, member, row);
    const order = Array.from(shares.keys()).filter((i) => shares[i] > 0);
    const liked = order.filter((i) => member.ratings[i] >= LIKED);
    const pool = liked.length > 0 ? liked : order;
    const ids = pool
      .sort((a, b) => shares[b] - shares[a] || member.movieIds[a] - member.movieIds[b])
      .slice(0, BECAUSE)
      .map((i) => member.movieIds[i]);
    return { ids, liked: liked.length > 0 };
  }

  /** Every member's rated movies as one viewer (a movie two members rated counts once). */
  function pooledTaste(members: readonly FoldedTaste[]): FoldedTaste {
    const rated = new Map<number, { row: number; movieId: number; rating: number }>();
    for (const member of members)
      member.movieIds.forEach((movieId, i) =>
        rated.set(movieId, { row: member.rows[i], movieId, rating: member.ratings[i] }),
      );
    return foldInTaste(watch!, [...rated.values()])!;
  }

  return {
    options: opts,

    fold(ratings) {
      const rated: { row: number; movieId: number; rating: number }[] = [];
      for (const { movieId, rating } of ratings) {
        const row = rowOf.get(movieId);
        if (row !== undefined) rated.push({ row, movieId, rating });
      }
      return foldInTaste(watch, rated);
    },

    because,

    gems(member, isExcluded, stars) {
      const scores = scan(bandSet, member.x, bandScores);
      const keys = bandKeys;
      for (let i = 0; i < keys.length; i++) keys[i] = scores[i] - opts.priceWeight * bandSet.prices[i];
      const ranked = guard(
        top(keys, GUARDED, bandSet.movieIds, isExcluded),
        bandSet.movieIds,
        stars,
        opts.dislikeGuard,
      );
      return ranked.map(({ index, key, predicted }) => ({
        movieId: bandSet.movieIds[index],
        score: key,
        reason: tasteReason('gem', scores[index], opts.priceWeight * bandSet.prices[index], [], predicted),
      }));
    },

    group(members, isExcluded, stars) {
      const excluded = excludedOnce(isExcluded);
      const count = bandSet.movieIds.length;
      // Each member's scores, divided (in place) by their best over the movies still open, so 1 = the
      // viewer's favourite whatever their number of ratings. Only a movie that would raise the best is
      // asked about, so a few per member are, not the whole band.
      const raw = members.map((member, j) =>
        scan(bandSet, member.x, (memberScores[j] ??= new Float64Array(count))),
      );
      const bests = raw.map((scores) => {
        let best = 0;
        for (let i = 0; i < count; i++) if (scores[i] > best && !excluded(i)) best = scores[i];
        return best;
      });
      for (let j = 0; j < raw.length; j++) {
        const scores = raw[j];
        const best = bests[j];
        if (best > 0) for (let i = 0; i < count; i++) scores[i] /= best;
      }
      // The pooled viewer (every member's ratings in one solve), scaled by its own best the same way.
      let pooled: Float64Array | undefined;
      if (opts.groupPooledWeight > 0 && members.length > 1) {
        pooled = scan(bandSet, pooledTaste(members).x, (pooledScores ??= new Float64Array(count)));
        let best = 0;
        for (let i = 0; i < count; i++) if (pooled[i] > best && !excluded(i)) best = pooled[i];
        if (best > 0) for (let i = 0; i < count; i++) pooled[i] /= best;
      }

      const combined = bandKeys;
      const t = opts.softMinTemperature;
      if (opts.groupCombine === 'mean') {
        // Member by member over the band (typed arrays front to back): each movie's sum still adds its
        // members' scaled scores in member order, so the mean is the same number.
        combined.fill(0);
        for (const scores of raw) for (let i = 0; i < count; i++) combined[i] += scores[i];
        for (let i = 0; i < count; i++) combined[i] /= raw.length;
      } else {
        for (let i = 0; i < count; i++) {
          // −t·ln(mean exp(−s/t)): near the lowest member's score, softened by the others'.
          let low = Infinity;
          for (const scores of raw) low = Math.min(low, scores[i]);
          let sum = 0;
          for (const scores of raw) sum += Math.exp(-(scores[i] - low) / t);
          combined[i] = low - t * Math.log(sum / raw.length);
        }
      }
      if (pooled)
        for (let i = 0; i < count; i++)
          combined[i] = (1 - opts.groupPooledWeight) * combined[i] + opts.groupPooledWeight * pooled[i];
      if (opts.groupLeastMiseryWeight > 0)
        for (let i = 0; i < count; i++) {
          let low = Infinity;
          for (const scores of raw) low = Math.min(low, scores[i]);
          combined[i] += opts.groupLeastMiseryWeight * low;
        }
      const ranked = guard(topOf(combined, GUARDED, excluded), bandSet.movieIds, stars, opts.dislikeGuard);
      return ranked.map(({ index, key, predicted }) => {
        const scores = raw.map((scaled) => scaled[index]);
        return {
          movieId: bandSet.movieIds[index],
          score: key,
          reason: {
            kind: 'taste-group' as const,
            memberCount: members.length,
            lowestScaledScore: Math.min(...scores),
            meanScaledScore: scores.reduce((sum, s) => sum + s, 0) / scores.length,
            ...(predicted ? { lowestPredicted: Math.min(...predicted) } : {}),
          },
        };
      });
    },

    popular(member, isExcluded, knn, stars) {
      const scores = scan(aboveSet, member.x, aboveScores);
      const knnBest = knn.reduce((max, c) => Math.max(max, c.score), 0);
      const n = member.movieIds.length;
      const priorWeight = opts.popularityWeight * Math.max(1, opts.fewRatings / Math.max(n, 1));
      const keys = aboveKeys;
      for (let i = 0; i < keys.length; i++) keys[i] = scores[i] + priorWeight * popularityPrior[i];
      if (knnBest > 0) {
        for (const candidate of knn) {
          const i = aboveIndex.get(candidate.movieId);
          if (i !== undefined && !Number.isNaN(keys[i]))
            keys[i] += (opts.knnWeight * candidate.score) / knnBest;
        }
      }
      const ranked = guard(
        top(keys, GUARDED, aboveSet.movieIds, isExcluded),
        aboveSet.movieIds,
        stars,
        opts.dislikeGuard,
        Math.min(TASTE_RANKED, opts.popularDrawn),
      );
      return ranked.map(({ index, key, predicted }) => ({
        movieId: aboveSet.movieIds[index],
        score: key,
        reason: tasteReason('popular', scores[index], 0, [], predicted),
      }));
    },
  };
}

interface Ranked {
  index: number;
  key: number;
  /** The stars path's predictions, when it was asked. */
  predicted?: readonly number[];
}

/** The k best keys (NaN and excluded movies skipped), best first; ties by the smaller index. */
function top(
  keys: Float64Array,
  k: number,
  movieIds: Int32Array,
  isExcluded: (movieId: number) => boolean,
): Ranked[] {
  return topOf(keys, k, (i) => isExcluded(movieIds[i]));
}

/**
 * The first `wanted` candidates after asking the stars path about them: with the guard on, predicted
 * dislikes (any member below DISLIKE_BELOW) go behind the rest, order otherwise kept. Candidates are asked
 * best first and no more once `wanted` are not disliked: those are then the answer whatever the rest would
 * say (usually a third of the candidates are asked, not all).
 */
function guard(
  ranked: Ranked[],
  movieIds: Int32Array,
  stars: StarsGuard | undefined,
  on: boolean,
  wanted = TASTE_RANKED,
): Ranked[] {
  if (!stars) return ranked.slice(0, wanted);
  const ok: Ranked[] = [];
  const disliked: Ranked[] = [];
  for (const entry of ranked) {
    if (ok.length === wanted) break;
    const predicted = stars(movieIds[entry.index]);
    // The entries are this request's own (top-k's), so the prediction is written into them.
    if (predicted) entry.predicted = predicted;
    if (on && predicted && lowest(predicted) < DISLIKE_BELOW) disliked.push(entry);
    else ok.push(entry);
  }
  return [...ok, ...disliked].slice(0, wanted);
}

function lowest(values: readonly number[]): number {
  let low = Infinity;
  for (const value of values) if (value < low) low = value;
  return low;
}

/** 3 stars is "it was fine" on MovieLens' scale: below it, a predicted dislike. */
export const DISLIKE_BELOW = 3;

function tasteReason(
  list: 'gem' | 'popular',
  score: number,
  price: number,
  becauseIds: number[],
  predicted: readonly number[] | undefined,
): RecommendationReason {
  return {
    kind: 'taste',
    list,
    score,
    price,
    because: becauseIds,
    ...(predicted?.[0] !== undefined ? { predictedRating: predicted[0] } : {}),
  };
}
