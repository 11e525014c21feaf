/**
 * The taste model's stars path (the DNMF) at request time, against its movie side: each member folded in
 * from their ratings (fold-in.ts) and their predicted stars, which /foryou's and /movienight's dislike guard
 * and a personal card's "you'd rate it about 4.2" read (the MF path ranks those lists: taste-source.ts).
 *
 * Gems by predicted rating over the gem band (gem-band.ts) are only for a member (or a group) none of whose
 * rated movies the MF path knows: it keeps movies with at least its minimum of ratings, the DNMF every rated
 * movie. /foryou: the member ranked by predicted rating; /movienight: every qualifying member, by the mean
 * prediction with a guard against anyone's dislike. Both score the whole band (a few thousand dot products).
 */
import type { Artifacts } from '../artifacts/types.ts';
import { clipToScale, type UserVector } from '../model/dnmf.ts';
import { gemBandRows } from '../artifacts/gem-band.ts';
import { foldIn, type FoldedUser, type RowRating } from './fold-in.ts';
import { topIndicesBy, TopK } from '../model/top-k.ts';
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
  /** A member's ratings as DNMF rows (movies the model does not know are left out). */
  rowRatings(ratings: ReadonlyArray<{ movieId: number; rating: number }>): RowRating[];
  foldIn(rated: readonly RowRating[]): FoldedUser;
  /** The band's best movies for one member by predicted rating. */
  personal(
    user: UserVector,
    isExcluded: (movieId: number) => boolean,
    ratingCount: number,
  ): ScoredCandidate[];
  /** The band's best movies for a group: mean prediction, dislike-guarded. */
  group(users: readonly UserVector[], isExcluded: (movieId: number) => boolean): ScoredCandidate[];
  /** Predicted ratings (clipped) of a movie for each user; undefined when the DNMF does not know it. */
  predictions(users: readonly UserVector[], movieId: number): number[] | undefined;
}

export function createGemSource(artifacts: Artifacts): GemSource {
  const dnmf = artifacts.dnmf;
  const { scorer } = dnmf;
  const bandRows = gemBandRows(artifacts);
  const scratch = new Float64Array(scorer.movies).fill(Number.NaN);

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
    rowRatings,
    foldIn: (rated) => foldIn(dnmf, rated),

    personal(user, isExcluded, ratingCount) {
      const rows = openBandRows(isExcluded);
      for (const m of rows) scratch[m] = predict(user, m);
      const best = topIndicesBy(rows, scratch, PERSONAL_RANKED);
      const ranked = best.map((m) => ({
        movieId: dnmf.movieIds[m],
        score: scratch[m],
        reason: {
          kind: 'dnmf-personal' as const,
          ratingCount,
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
      const scored = new Map(
        shortlist.map((m) => [m, groupScore(users.map((user) => clipToScale(predict(user, m))))]),
      );
      const best = new TopK(PERSONAL_RANKED);
      for (const [m, { score }] of scored) best.offer(m, score);
      return best.best().map((m) => {
        const { score, meanPredicted, lowestPredicted } = scored.get(m)!;
        return {
          movieId: dnmf.movieIds[m],
          score,
          reason: { kind: 'dnmf-group' as const, memberCount: users.length, meanPredicted, lowestPredicted },
        };
      });
    },

    predictions(users, movieId) {
      const row = dnmf.movieRows.get(movieId);
      if (row === undefined) return undefined;
      return users.map((user) => clipToScale(predict(user, row)));
    },
  };
}
