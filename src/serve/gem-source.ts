/**
 * Hidden gems from the DNMF, scored at request time against its movie side (no all-pairs tables), always
 * among the less-known movies of the gem band (gem-band.ts).
 *
 * /recommend: the watch model's movies closest to the picks (watch-gems.ts), or on versions without one the
 * picks' DNMF lift, relative to a typical catalog triple (pick-lift.ts).
 * /foryou: the member folded in from their ratings (fold-in.ts), ranked by predicted rating — a member with
 * real ratings has a real preference scale, and this is the model's answer for them. /movienight: every
 * qualifying member folded in, ranked by the mean prediction with a guard against anyone's dislike.
 * Both score the whole band (a few thousand dot products, well within the 20 ms budget).
 */
import type { Artifacts } from '../artifacts/types.ts';
import { clipToScale, type UserVector } from '../model/dnmf.ts';
import { gemBandRows } from '../artifacts/gem-band.ts';
import { foldIn, type FoldedUser, type RowRating } from './fold-in.ts';
import { buildPickLift, runToEnd, type PickLift } from './pick-lift.ts';
import { buildWatchGems, pricedWatch, type WatchGems } from './watch-gems.ts';
import { topIndicesBy } from '../model/top-k.ts';
import type { ScoredCandidate } from './recommendation.ts';

/** Candidates a personal or group ranking returns (the draw window and exclusions need more than 5). */
export const PERSONAL_RANKED = 60;
/** Movies /movienight checks member by member, shortlisted by the members' mean prediction. */
export const GROUP_SHORTLIST = 200;
/**
 * /movienight's guard: a movie any member is predicted to rate below this is ranked after every movie
 * nobody is predicted to dislike (3 stars is "it was fine" on MovieLens' scale).
 */
export const DISLIKE_BELOW = 3;

/**
 * A group's score of one movie from each member's (clipped) prediction. Two tiers in one number: guarded
 * movies (nobody below DISLIKE_BELOW) score 10 + the mean and rank above all others, which rank by their
 * lowest prediction (least misery) instead of the mean.
 */
export function groupScore(predicted: readonly number[]): {
  score: number;
  meanPredicted: number;
  lowestPredicted: number;
} {
  const meanPredicted = predicted.reduce((sum, x) => sum + x, 0) / predicted.length;
  const lowestPredicted = Math.min(...predicted);
  const score = lowestPredicted >= DISLIKE_BELOW ? 10 + meanPredicted : lowestPredicted;
  return { score, meanPredicted, lowestPredicted };
}

export interface GemSource {
  /** Precomputes a catalog movie's pool (the engine warms every catalog movie). */
  warm(pickId: number): void;
  /** The picks' lift ranking over the union of their pools, best first. */
  forPicks(picks: readonly number[], isExcluded: (movieId: number) => boolean): ScoredCandidate[];
  /** A member's ratings as DNMF rows (movies the model does not know are left out). */
  rowRatings(ratings: ReadonlyArray<{ movieId: number; rating: number }>): RowRating[];
  foldIn(rated: readonly RowRating[]): FoldedUser;
  /** A trained user's own embedding, or undefined when the model does not know the user. */
  trainedUser(userId: number): UserVector | undefined;
  /** The band's best movies for one member by predicted rating. */
  personal(
    user: UserVector,
    isExcluded: (movieId: number) => boolean,
    describe: { ratingCount: number; embedding: 'fold-in' | 'trained' },
  ): ScoredCandidate[];
  /** The band's best movies for a group: mean prediction, dislike-guarded. */
  group(users: readonly UserVector[], isExcluded: (movieId: number) => boolean): ScoredCandidate[];
  /** Predicted ratings (clipped) of a movie for each user; undefined when the DNMF does not know it. */
  predictions(users: readonly UserVector[], movieId: number): number[] | undefined;
}

/**
 * How /recommend ranks its gems: 'watch', the watch model (watch-gems.ts; versions that have one), or
 * 'fold-in', the DNMF with the picks folded in (pick-lift.ts; kept for versions without a watch model and
 * for the ranking evaluation's comparison).
 */
export type PicksRanking = 'watch' | 'fold-in';

export function createGemSource(artifacts: Artifacts, picksBy: PicksRanking = 'watch'): GemSource {
  return runToEnd(buildGemSource(artifacts, picksBy));
}

/** createGemSource in steps (it pauses with yield), for a bot building a swapped-in version. */
export function* buildGemSource(
  artifacts: Artifacts,
  picksBy: PicksRanking = 'watch',
): Generator<void, GemSource> {
  const dnmf = artifacts.dnmf;
  const { scorer } = dnmf;
  const bandRows = gemBandRows(artifacts);
  const scratch = new Float64Array(scorer.movies).fill(Number.NaN);
  const watch = pricedWatch(artifacts);
  const forPicks: PickLift | WatchGems =
    picksBy === 'watch' && watch
      ? yield* buildWatchGems(artifacts, watch)
      : yield* buildPickLift(
          artifacts,
          artifacts.catalog.map((entry) => entry.movieId),
        );

  function rowRatings(ratings: ReadonlyArray<{ movieId: number; rating: number }>): RowRating[] {
    const rated: RowRating[] = [];
    for (const { movieId, rating } of ratings) {
      const row = dnmf.movieRows.get(movieId);
      if (row !== undefined) rated.push({ row, rating });
    }
    return rated;
  }

  function predict(user: UserVector, m: number): number {
    const mlp = user.first === dnmf.meanUserFirst ? dnmf.meanUserMlpPath[m] : scorer.mlpPath(user.first, m);
    return (
      scorer.globalMean +
      user.bias +
      scorer.movieBias[m] +
      scorer.outputBias +
      scorer.gmfPath(user.gmfWeighted, m) +
      mlp
    );
  }

  /** The user whose prediction is the members' mean prediction (exact while none is clipped). */
  function averageUser(users: readonly UserVector[]): UserVector {
    const gmfWeighted = new Float32Array(scorer.gmfDim);
    let bias = 0;
    for (const user of users) {
      for (let k = 0; k < gmfWeighted.length; k++) gmfWeighted[k] += user.gmfWeighted[k] / users.length;
      bias += user.bias / users.length;
    }
    // Folded-in members all have the mean MLP side; a mix with trained users would not be linear.
    return { gmfWeighted, first: users[0]?.first ?? dnmf.meanUserFirst, bias };
  }

  function openBandRows(isExcluded: (movieId: number) => boolean): number[] {
    return bandRows.filter((m) => !isExcluded(dnmf.movieIds[m]));
  }

  return {
    warm: (pickId) => forPicks.warm(pickId),
    forPicks: (picks, isExcluded) => forPicks.rank(picks, isExcluded),
    rowRatings,
    foldIn: (rated) => foldIn(dnmf, rated),

    trainedUser(userId) {
      const row = dnmf.userRows.get(userId);
      return row === undefined ? undefined : scorer.trainedUser(row);
    },

    personal(user, isExcluded, describe) {
      const rows = openBandRows(isExcluded);
      for (const m of rows) scratch[m] = predict(user, m);
      const best = topIndicesBy(rows, scratch, PERSONAL_RANKED);
      const ranked = best.map((m) => ({
        movieId: dnmf.movieIds[m],
        score: scratch[m],
        reason: {
          kind: 'dnmf-personal' as const,
          ratingCount: describe.ratingCount,
          embedding: describe.embedding,
          predictedRating: clipToScale(scratch[m]),
        },
      }));
      for (const m of rows) scratch[m] = Number.NaN;
      return ranked;
    },

    group(users, isExcluded) {
      const rows = openBandRows(isExcluded);
      // The members' mean unclipped prediction is linear in their vectors (all folded-in members share
      // the mean MLP side), so one dot product per movie shortlists GROUP_SHORTLIST movies; only those
      // get every member's own (clipped) prediction for the mean and the dislike guard.
      const mean = averageUser(users);
      for (const m of rows) scratch[m] = predict(mean, m);
      const shortlist = topIndicesBy(rows, scratch, GROUP_SHORTLIST);
      for (const m of rows) scratch[m] = Number.NaN;
      const scored = shortlist.map((m) => {
        return { m, ...groupScore(users.map((user) => clipToScale(predict(user, m)))) };
      });
      scored.sort((a, b) => b.score - a.score || a.m - b.m);
      return scored.slice(0, PERSONAL_RANKED).map(({ m, score, meanPredicted, lowestPredicted }) => ({
        movieId: dnmf.movieIds[m],
        score,
        reason: { kind: 'dnmf-group' as const, memberCount: users.length, meanPredicted, lowestPredicted },
      }));
    },

    predictions(users, movieId) {
      const row = dnmf.movieRows.get(movieId);
      if (row === undefined) return undefined;
      return users.map((user) => clipToScale(predict(user, row)));
    },
  };
}
