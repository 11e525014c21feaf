/**
 * Hidden gems from the DNMF, scored at request time against its movie side (no all-pairs tables).
 *
 * /recommend: the three picks are folded in as one viewer who rates each of them 5 (fold-in.ts) and the
 * less-known movies (gem-band.ts) are ranked by lift — predicted rating minus the model's baseline for
 * that viewer and movie — which is the fitted GMF vector's dot product with the movie's (the MLP term
 * and the biases are the same for every pick triple). Ranking by lift rather than by the predicted
 * rating keeps movies the model rates highly for everyone (and clipped 5.0 predictions) from winning
 * regardless of the picks. Because p = Σ α_j·x_j, the lift is a weighted sum of each pick's GMF
 * similarity x_j·x_m, so a movie close to two picks beats one close to only one, and only movies high in
 * some pick's similarity ranking can reach the top: each catalog movie's best GEM_POOL_SIZE band movies
 * by x_pick·x_m are precomputed once per version (O(catalog × movies)), and a request re-scores the union.
 *
 * /foryou and /movienight: members have real ratings, so candidates are ranked by predicted rating over
 * the whole band (a few thousand dot products, well within the 20 ms budget).
 */
import type { Artifacts } from '../artifacts/types.ts';
import { RATING_MAX, clipToScale, type UserVector } from '../artifacts/dnmf.ts';
import { gemBand, inGemBand } from '../artifacts/gem-band.ts';
import { foldIn, type FoldedUser, type RowRating } from './fold-in.ts';
import { topRows } from './ranked-draw.ts';
import type { ScoredCandidate } from './recommendation.ts';

/** Band movies kept per catalog pick: far more than a list needs, so the union's top is exact in practice. */
export const GEM_POOL_SIZE = 300;
/** The rating a pick stands for: /recommend's picks are movies the member loves. */
export const PICK_RATING = RATING_MAX;
/** Candidates a personal or group ranking returns (the draw window and exclusions need more than 5). */
export const PERSONAL_RANKED = 60;
/**
 * /movienight's guard: a movie any member is predicted to rate below this is ranked after every movie
 * nobody is predicted to dislike (3 stars is "it was fine" on MovieLens' scale).
 */
export const DISLIKE_BELOW = 3;

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

interface Pool {
  rows: Int32Array;
}

export function createGemSource(artifacts: Artifacts, isCacheable: (movieId: number) => boolean): GemSource {
  const dnmf = artifacts.dnmf;
  const { scorer } = dnmf;
  const g = scorer.gmfDim;
  const band = gemBand(artifacts.manifest);
  const bandRows: number[] = [];
  for (let row = 0; row < dnmf.movieIds.length; row++) {
    const movie = artifacts.movies.get(dnmf.movieIds[row]);
    if (movie && inGemBand(band, movie.count)) bandRows.push(row);
  }
  const bandRowArray = Int32Array.from(bandRows);
  const scratch = new Float64Array(scorer.movies).fill(Number.NaN);
  const pools = new Map<number, Pool>();
  const w = scorer.gmfOutputWeights;

  /** x_pick ⊙ w, so gmfPath(v, m) = x_pick · x_m (x = GMF features as the output layer weighs them). */
  function similarityVector(row: number): Float32Array {
    const v = new Float32Array(g);
    for (let k = 0; k < g; k++) v[k] = w[k] * w[k] * scorer.movieGmf[row * g + k];
    return v;
  }

  function poolOf(pickId: number): Pool | undefined {
    const cached = pools.get(pickId);
    if (cached) return cached;
    const row = dnmf.movieRows.get(pickId);
    if (row === undefined) return undefined;
    const v = similarityVector(row);
    for (const m of bandRowArray) scratch[m] = scorer.gmfPath(v, m);
    const pool = { rows: Int32Array.from(topRows(bandRowArray, scratch, GEM_POOL_SIZE)) };
    for (const m of bandRowArray) scratch[m] = Number.NaN;
    if (isCacheable(pickId)) pools.set(pickId, pool);
    return pool;
  }

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

  function openBandRows(isExcluded: (movieId: number) => boolean): number[] {
    return bandRows.filter((m) => !isExcluded(dnmf.movieIds[m]));
  }

  return {
    warm(pickId) {
      poolOf(pickId);
    },

    forPicks(picks, isExcluded) {
      const known = picks.filter((pickId) => dnmf.movieRows.has(pickId));
      if (known.length === 0) return [];
      const rated = rowRatings(known.map((movieId) => ({ movieId, rating: PICK_RATING })));
      const user = foldIn(dnmf, rated);
      const union = new Set<number>();
      for (const pickId of known) for (const m of poolOf(pickId)!.rows) union.add(m);
      const ranked: Array<{ row: number; lift: number }> = [];
      for (const m of union) {
        if (isExcluded(dnmf.movieIds[m])) continue;
        const lift = scorer.gmfPath(user.gmfWeighted, m);
        // Only movies the picks make the model expect more of: anything else would not depend on them.
        if (lift > 0) ranked.push({ row: m, lift });
      }
      // Equal lifts (rare with real weights): the less-rated movie first, then the lower id, so ties are
      // broken the same way every time and in the direction of the list's purpose.
      const count = (m: number) => artifacts.movies.get(dnmf.movieIds[m])?.count ?? 0;
      ranked.sort((a, b) => b.lift - a.lift || count(a.row) - count(b.row) || a.row - b.row);
      const vectors = rated.map(({ row }) => similarityVector(row));
      return ranked.map(({ row, lift }) => {
        // Each pick's exact share of the lift: α_j · x_j · x_m.
        const shares = known.map((pickId, j) => ({
          pickId,
          share: user.shares[j] * scorer.gmfPath(vectors[j], row),
        }));
        const pickIds = shares
          .filter((entry) => entry.share > 0)
          .sort((a, b) => b.share - a.share)
          .map((entry) => entry.pickId);
        return { movieId: dnmf.movieIds[row], score: lift, reason: { kind: 'dnmf-fold-in', pickIds, lift } };
      });
    },

    rowRatings,
    foldIn: (rated) => foldIn(dnmf, rated),

    trainedUser(userId) {
      const row = dnmf.userRows.get(userId);
      return row === undefined ? undefined : scorer.trainedUser(row);
    },

    personal(user, isExcluded, describe) {
      const rows = openBandRows(isExcluded);
      for (const m of rows) scratch[m] = predict(user, m);
      const best = topRows(rows, scratch, PERSONAL_RANKED);
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
      const means = new Float64Array(scorer.movies);
      const lowest = new Float64Array(scorer.movies);
      for (const m of rows) {
        let sum = 0;
        let min = Infinity;
        for (const user of users) {
          const predicted = clipToScale(predict(user, m));
          sum += predicted;
          min = Math.min(min, predicted);
        }
        means[m] = sum / users.length;
        lowest[m] = min;
        // Two tiers in one number: guarded movies (nobody below DISLIKE_BELOW) rank above all others,
        // which rank by their lowest prediction (least misery) instead of the mean.
        scratch[m] = min >= DISLIKE_BELOW ? 10 + means[m] : min;
      }
      const best = topRows(rows, scratch, PERSONAL_RANKED);
      const ranked = best.map((m) => ({
        movieId: dnmf.movieIds[m],
        score: scratch[m],
        reason: {
          kind: 'dnmf-group' as const,
          memberCount: users.length,
          meanPredicted: means[m],
          lowestPredicted: lowest[m],
        },
      }));
      for (const m of rows) scratch[m] = Number.NaN;
      return ranked;
    },

    predictions(users, movieId) {
      const row = dnmf.movieRows.get(movieId);
      if (row === undefined) return undefined;
      return users.map((user) => clipToScale(predict(user, row)));
    },
  };
}
