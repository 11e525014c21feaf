/** trainDnmf: seeded validation hold-out, mini-batch training through tfjs, early stopping on RMSE. */
import type { RatingTable } from '../../data/types.ts';
import { fitBiasBaseline } from '../baselines.ts';
import { rmse } from '../metrics.ts';
import { loadTf } from '../tf.ts';
import { IdIndex } from './id-index.ts';
import { DnmfModel } from './model.ts';
import { effectiveBatchSize, resolveDnmfOptions } from './options.ts';
import { createRandom, shuffleInPlace } from './random.ts';
import { PairScorer } from './scorer.ts';
import { DnmfTfStep, type RowPenalties } from './tf-step.ts';
import type { DnmfEpoch, DnmfOptions, DnmfProgress, DnmfReport } from './types.ts';
import { cloneWeights, initWeights, type DnmfWeights } from './weights.ts';

/** The training table in embedding-row coordinates. */
interface EncodedRatings {
  userRows: Int32Array;
  movieRows: Int32Array;
  ratings: Float32Array;
}

export async function trainDnmf(
  train: RatingTable,
  options: Partial<DnmfOptions> = {},
  onProgress?: (p: DnmfProgress) => void,
): Promise<{ model: DnmfModel; report: DnmfReport }> {
  const opts = resolveDnmfOptions(options);
  if (train.ratings.length === 0) throw new Error('trainDnmf needs at least one rating');
  const { tf, backend, version } = await loadTf();

  const users = IdIndex.fromColumn(train.userIds);
  const movies = IdIndex.fromColumn(train.movieIds);
  const data: EncodedRatings = {
    userRows: users.rows(train.userIds),
    movieRows: movies.rows(train.movieIds),
    ratings: train.ratings,
  };
  const random = createRandom(opts.seed);
  const { fit, validation } = holdOut(train.ratings.length, opts.validationFraction, random);

  const weights = initialWeights(train, data, fit, users, movies, opts, random);
  const step = new DnmfTfStep(tf, weights, opts, rowPenalties(data, fit, users.size, movies.size, opts));
  const history: DnmfEpoch[] = [];
  let best = { epoch: 0, rmse: Infinity, weights: cloneWeights(weights) };
  let progressMark = { epoch: 0, rmse: Infinity };
  const order = fit.slice();
  const batchSize = effectiveBatchSize(fit.length, opts);
  const batch = {
    userRows: new Int32Array(batchSize),
    movieRows: new Int32Array(batchSize),
    ratings: new Float32Array(batchSize),
  };
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const started = performance.now();
    step.setLearningRate(opts.learningRate * opts.learningRateDecay ** (epoch - 1));
    shuffleInPlace(order, random);
    let lossSum = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const size = Math.min(batchSize, order.length - start);
      for (let i = 0; i < size; i++) {
        const row = order[start + i];
        batch.userRows[i] = data.userRows[row];
        batch.movieRows[i] = data.movieRows[row];
        batch.ratings[i] = data.ratings[row];
      }
      const loss = step.run(
        batch.userRows.subarray(0, size),
        batch.movieRows.subarray(0, size),
        batch.ratings.subarray(0, size),
      );
      lossSum += loss * size;
    }
    const validationRmse = validation.length > 0 ? rmseOn(weights, data, validation) : NaN;
    history.push({
      epoch,
      trainLoss: lossSum / order.length,
      validationRmse,
      ms: performance.now() - started,
    });
    onProgress?.({ phase: 'train', epoch, maxEpochs: opts.epochs, validationRmse });

    // Without a validation slice there is nothing to stop on: the last epoch is kept.
    if (validation.length === 0 || validationRmse < best.rmse) {
      best = { epoch, rmse: validationRmse, weights: cloneWeights(weights) };
    }
    // Patience runs out on epochs that fail to beat the last clear improvement by minImprovement,
    // so a long tail of tiny gains (the step size decays) does not keep training going.
    if (validation.length > 0) {
      if (validationRmse < progressMark.rmse - opts.minImprovement) {
        progressMark = { epoch, rmse: validationRmse };
      } else if (epoch - progressMark.epoch >= opts.patience) {
        break;
      }
    }
    // Let timers and I/O (e.g. a bot's heartbeat) run between epochs.
    await new Promise((resolve) => setImmediate(resolve));
  }

  const model = new DnmfModel(opts, users, movies, best.weights);
  const report: DnmfReport = {
    epochs: history.length,
    bestEpoch: best.epoch,
    validationRmse: best.rmse,
    trainRmse: rmseOn(best.weights, data, fit),
    history,
    backend,
    tfjsVersion: version,
    options: opts,
  };
  return { model, report };
}

/** Seeded split of row numbers into the rows we fit and the rows that pick the best epoch. */
function holdOut(
  count: number,
  validationFraction: number,
  random: () => number,
): { fit: Int32Array; validation: Int32Array } {
  const all = Int32Array.from({ length: count }, (_, i) => i);
  shuffleInPlace(all, random);
  const validationSize = Math.floor(count * validationFraction);
  // Sorted, so the fit order before the first epoch's shuffle does not depend on the split's shuffle.
  return { validation: all.slice(0, validationSize).sort(), fit: all.slice(validationSize).sort() };
}

function initialWeights(
  train: RatingTable,
  data: EncodedRatings,
  fit: Int32Array,
  users: IdIndex,
  movies: IdIndex,
  opts: DnmfOptions,
  random: () => number,
): DnmfWeights {
  let sum = 0;
  for (const row of fit) sum += data.ratings[row];
  const globalMean = fit.length > 0 ? sum / fit.length : 0;
  const shape = {
    users: users.size,
    movies: movies.size,
    gmfDim: opts.gmfDim,
    mlpDim: opts.mlpDim,
    mlpLayers: opts.mlpLayers,
  };
  const weights = initWeights(shape, globalMean, opts.initScale, random);

  // A user or movie whose ratings all fell into the validation slice never gets a gradient; zero
  // embeddings make it a pure bias prediction instead of a random interaction term.
  const userSeen = new Uint8Array(users.size);
  const movieSeen = new Uint8Array(movies.size);
  for (const row of fit) {
    userSeen[data.userRows[row]] = 1;
    movieSeen[data.movieRows[row]] = 1;
  }
  zeroUnseenRows(weights.userGmf, opts.gmfDim, userSeen);
  zeroUnseenRows(weights.userMlp, opts.mlpDim, userSeen);
  zeroUnseenRows(weights.movieGmf, opts.gmfDim, movieSeen);
  zeroUnseenRows(weights.movieMlp, opts.mlpDim, movieSeen);

  if (opts.initBiasesFromBaseline && fit.length > 0) {
    // Starting from the regularised bias solution lets the epochs go into the interaction terms.
    const baseline = fitBiasBaseline(subsetRows(train, fit));
    const shift = baseline.mean - globalMean; // 0 up to rounding: both are the fit slice's mean
    users.ids.forEach((id, row) => (weights.userBias[row] = (baseline.userBias.get(id) ?? 0) + shift));
    movies.ids.forEach((id, row) => (weights.movieBias[row] = baseline.itemBias.get(id) ?? 0));
  }
  return weights;
}

/** Penalty weights per row from its number of ratings in the fit slice (see RowPenalties). */
function rowPenalties(
  data: EncodedRatings,
  fit: Int32Array,
  userCount: number,
  movieCount: number,
  opts: DnmfOptions,
): RowPenalties {
  const perUser = new Float32Array(userCount);
  const perMovie = new Float32Array(movieCount);
  for (const row of fit) {
    perUser[data.userRows[row]]++;
    perMovie[data.movieRows[row]]++;
  }
  // Rows the fit slice never shows are never read in training; their weight does not matter.
  const weights = (counts: Float32Array, perRating: number, perRow: number): Float32Array =>
    counts.map((n) => (n > 0 ? perRating + perRow / n : 0));
  return {
    userGmf: weights(perUser, opts.l2EmbeddingPerRating, opts.l2EmbeddingPerRow),
    movieGmf: weights(perMovie, opts.l2EmbeddingPerRating, opts.l2EmbeddingPerRow),
    userMlp: weights(perUser, opts.l2EmbeddingPerRating, opts.l2MlpEmbeddingPerRow),
    movieMlp: weights(perMovie, opts.l2EmbeddingPerRating, opts.l2MlpEmbeddingPerRow),
    userBias: weights(perUser, 0, opts.l2UserBias),
    movieBias: weights(perMovie, 0, opts.l2MovieBias),
  };
}

function zeroUnseenRows(table: Float32Array, dim: number, seen: Uint8Array): void {
  for (let row = 0; row < seen.length; row++) if (!seen[row]) table.fill(0, row * dim, (row + 1) * dim);
}

function subsetRows(table: RatingTable, rows: Int32Array): RatingTable {
  const pick = <T extends Int32Array | Float32Array>(column: T, out: T): T => {
    rows.forEach((row, i) => (out[i] = column[row]));
    return out;
  };
  return {
    userIds: pick(table.userIds, new Int32Array(rows.length)),
    movieIds: pick(table.movieIds, new Int32Array(rows.length)),
    ratings: pick(table.ratings, new Float32Array(rows.length)),
  };
}

/** RMSE of the clipped predictions, exactly as DnmfModel.predict would make them. */
function rmseOn(weights: DnmfWeights, data: EncodedRatings, rows: Int32Array): number {
  const scorer = new PairScorer(weights);
  const predicted = new Float32Array(rows.length);
  const actual = new Float32Array(rows.length);
  rows.forEach((row, i) => {
    predicted[i] = scorer.score(data.userRows[row], data.movieRows[row]);
    actual[i] = data.ratings[row];
  });
  return rmse(predicted, actual);
}
