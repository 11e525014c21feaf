/**
 * Scores the DNMF on a held-out test set, trained with exactly the production path (trainDnmf),
 * next to the global-mean and bias baselines fitted on the same training data.
 */
import type { RatingTable } from '../data/types.ts';
import { fitBiasBaseline, fitGlobalMean, type RatingPredictor } from './baselines.ts';
import { trainDnmf, type DnmfOptions } from './dnmf/index.ts';
import { mae, rmse } from './metrics.ts';

export interface ErrorScores {
  rmse: number;
  mae: number;
}

export interface SplitEvaluation extends ErrorScores {
  /** Test ratings scored. */
  n: number;
  /** Wall time of DNMF training. */
  seconds: number;
  bestEpoch: number;
  baselines: { globalMean: ErrorScores; bias: ErrorScores };
}

export function scorePredictor(model: RatingPredictor, test: RatingTable): ErrorScores {
  const predicted = model.predict(test.userIds, test.movieIds);
  return { rmse: rmse(predicted, test.ratings), mae: mae(predicted, test.ratings) };
}

export async function evaluateSplit(
  train: RatingTable,
  test: RatingTable,
  options: Partial<DnmfOptions> = {},
): Promise<SplitEvaluation> {
  const started = performance.now();
  const { model, report } = await trainDnmf(train, options);
  const seconds = (performance.now() - started) / 1000;
  return {
    ...scorePredictor(model, test),
    n: test.ratings.length,
    seconds,
    bestEpoch: report.bestEpoch,
    baselines: {
      globalMean: scorePredictor(fitGlobalMean(train), test),
      bias: scorePredictor(fitBiasBaseline(train), test),
    },
  };
}
