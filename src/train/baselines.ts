/**
 * Reference predictors the DNMF has to beat: the global mean, and regularised user + item biases
 * (Koren's baseline estimate r̂ = μ + b_u + b_i). Both clip to the MovieLens rating scale.
 */
import type { RatingTable } from '../data/types.ts';

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
  const userBias = new Map<number, number>();
  const itemBias = new Map<number, number>();
  const n = train.ratings.length;
  const fitOneSide = (
    ids: Int32Array,
    otherIds: Int32Array,
    otherBias: Map<number, number>,
    lambda: number,
    target: Map<number, number>,
  ): void => {
    const sums = new Map<number, number>();
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const residual = train.ratings[i] - mean - (otherBias.get(otherIds[i]) ?? 0);
      sums.set(id, (sums.get(id) ?? 0) + residual);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, sum] of sums) target.set(id, sum / (lambda + (counts.get(id) ?? 0)));
  };
  for (let pass = 0; pass < passes; pass++) {
    fitOneSide(train.movieIds, train.userIds, userBias, itemLambda, itemBias);
    fitOneSide(train.userIds, train.movieIds, itemBias, userLambda, userBias);
  }
  return {
    mean,
    userBias,
    itemBias,
    predict(userIds, movieIds) {
      const out = new Float32Array(userIds.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = clipRating(mean + (userBias.get(userIds[i]) ?? 0) + (itemBias.get(movieIds[i]) ?? 0));
      }
      return out;
    },
  };
}
