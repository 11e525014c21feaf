/**
 * Reference predictors the DNMF has to beat: the global mean, and regularised user + item biases
 * (Koren's baseline estimate r̂ = μ + b_u + b_i). Both clip to the MovieLens rating scale.
 */
import type { RatingTable } from '../data/types.ts';
import { denseIds } from './dense-ids.ts';

export const MIN_RATING = 0.5;
export const MAX_RATING = 5;

/** What every rating model here offers: raw MovieLens ids in, one predicted rating per pair out. */
export interface RatingPredictor {
  predict(userIds: Int32Array, movieIds: Int32Array): Float32Array;
}

export function clipRating(x: number): number {
  return x < MIN_RATING ? MIN_RATING : x > MAX_RATING ? MAX_RATING : x;
}

export function meanRating(table: RatingTable): number {
  let sum = 0;
  for (let i = 0; i < table.ratings.length; i++) sum += table.ratings[i];
  return table.ratings.length === 0 ? (MIN_RATING + MAX_RATING) / 2 : sum / table.ratings.length;
}

export function fitGlobalMean(train: RatingTable): RatingPredictor & { mean: number } {
  const mean = meanRating(train);
  return {
    mean,
    predict: (userIds) => new Float32Array(userIds.length).fill(clipRating(mean)),
  };
}

export interface BiasBaselineOptions {
  /** Shrinkage of user biases towards 0, in pseudo-ratings. */
  userLambda: number;
  /** Shrinkage of item biases towards 0, in pseudo-ratings. */
  itemLambda: number;
  /** Alternating passes (items then users); 20 converges to 4 decimals on ml-latest-small. */
  passes: number;
}

export const DEFAULT_BIAS_BASELINE_OPTIONS: BiasBaselineOptions = {
  userLambda: 3,
  itemLambda: 2,
  passes: 20,
};

export interface BiasBaseline extends RatingPredictor {
  mean: number;
  userBias: Map<number, number>;
  itemBias: Map<number, number>;
}

/**
 * Alternating least squares on the biases alone: each pass sets
 * b_i = Σ(r − μ − b_u) / (λi + n_i), then b_u = Σ(r − μ − b_i) / (λu + n_u).
 * Unknown users or items get bias 0.
 */
export function fitBiasBaseline(
  train: RatingTable,
  options: Partial<BiasBaselineOptions> = {},
): BiasBaseline {
  const { userLambda, itemLambda, passes } = { ...DEFAULT_BIAS_BASELINE_OPTIONS, ...options };
  const mean = meanRating(train);
  const users = denseIds(train.userIds);
  const items = denseIds(train.movieIds);
  const userBias = new Float64Array(users.ids.length);
  const itemBias = new Float64Array(items.ids.length);
  const n = train.ratings.length;
  /** Sets target[row] = Σ(r − μ − other bias) / (λ + count) over the rows' ratings. */
  const fitOneSide = (
    rows: Int32Array,
    otherRows: Int32Array,
    otherBias: Float64Array,
    lambda: number,
    target: Float64Array,
  ): void => {
    const sums = new Float64Array(target.length);
    const counts = new Float64Array(target.length);
    for (let i = 0; i < n; i++) {
      sums[rows[i]] += train.ratings[i] - mean - otherBias[otherRows[i]];
      counts[rows[i]]++;
    }
    for (let r = 0; r < target.length; r++) target[r] = sums[r] / (lambda + counts[r]);
  };
  for (let pass = 0; pass < passes; pass++) {
    fitOneSide(items.rows, users.rows, userBias, itemLambda, itemBias);
    fitOneSide(users.rows, items.rows, itemBias, userLambda, userBias);
  }
  const userMap = new Map(Array.from(users.ids, (id, r) => [id, userBias[r]]));
  const itemMap = new Map(Array.from(items.ids, (id, r) => [id, itemBias[r]]));
  return {
    mean,
    userBias: userMap,
    itemBias: itemMap,
    predict(userIds, movieIds) {
      const out = new Float32Array(userIds.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = clipRating(mean + (userMap.get(userIds[i]) ?? 0) + (itemMap.get(movieIds[i]) ?? 0));
      }
      return out;
    },
  };
}
