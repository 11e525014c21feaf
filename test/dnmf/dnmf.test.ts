import { beforeAll, describe, expect, it } from 'vitest';
import { fitBiasBaseline, fitGlobalMean } from '../../src/train/baselines.ts';
import {
  DnmfModel,
  trainDnmf,
  type DnmfOptions,
  type DnmfProgress,
  type DnmfReport,
} from '../../src/train/dnmf/index.ts';
import { evaluateSplit } from '../../src/train/evaluate.ts';
import { rmse } from '../../src/train/metrics.ts';
import { loadTf } from '../../src/train/tf.ts';
import { createRandom } from '../../src/train/dnmf/random.ts';
import { lowRankRatings, splitRows, table, type Rating } from './synthetic.ts';

// ~2,400 ratings of 80 users × 60 movies; trains in about a second.
const data = lowRankRatings({ users: 80, movies: 60, density: 0.5, seed: 1 });
const { train, test } = splitRows(data, 0.2, 2);
// The default per-row prior (λ = 10) is sized for MovieLens, where taste signal is weak and rows have
// many ratings; this synthetic taste signal is strong and rows have ~24 ratings, so it gets a lighter one.
const options: Partial<DnmfOptions> = { seed: 5, l2EmbeddingPerRow: 2 };

let model: DnmfModel;
let report: DnmfReport;
const progress: DnmfProgress[] = [];
beforeAll(async () => {
  ({ model, report } = await trainDnmf(train, options, (p) => progress.push(p)));
});

describe('trainDnmf on a synthetic low-rank dataset', () => {
  it('learns the interactions: far below the global mean and clearly below the bias baseline', () => {
    const dnmf = rmse(model.predict(test.userIds, test.movieIds), test.ratings);
    const globalMean = rmse(fitGlobalMean(train).predict(test.userIds, test.movieIds), test.ratings);
    const bias = rmse(fitBiasBaseline(train).predict(test.userIds, test.movieIds), test.ratings);
    expect(dnmf).toBeLessThan(0.6 * globalMean);
    expect(dnmf).toBeLessThan(0.8 * bias);
  });

  it('still learns interactions with the MovieLens-sized defaults', async () => {
    const { model: byDefault } = await trainDnmf(train);
    const dnmf = rmse(byDefault.predict(test.userIds, test.movieIds), test.ratings);
    const bias = rmse(fitBiasBaseline(train).predict(test.userIds, test.movieIds), test.ratings);
    expect(dnmf).toBeLessThan(0.9 * bias);
  });

  it('reports a history whose best epoch is the one kept', () => {
    expect(report.history).toHaveLength(report.epochs);
    expect(report.bestEpoch).toBeGreaterThanOrEqual(1);
    const best = report.history[report.bestEpoch - 1];
    expect(report.validationRmse).toBe(best.validationRmse);
    expect(report.validationRmse).toBe(Math.min(...report.history.map((h) => h.validationRmse)));
    expect(report.trainRmse).toBeGreaterThan(0);
    expect(report.backend).toBeTruthy();
    expect(report.tfjsVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(progress.filter((p) => p.phase === 'train')).toHaveLength(report.epochs);
  });

  it('is deterministic for a seed', async () => {
    const again = await trainDnmf(train, options);
    expect(again.report.history.map((h) => h.validationRmse)).toEqual(
      report.history.map((h) => h.validationRmse),
    );
    expect(again.model.predict(test.userIds, test.movieIds)).toEqual(
      model.predict(test.userIds, test.movieIds),
    );
  });

  it('leaves no tensors behind (variables, optimizer state and per-step tensors are disposed)', async () => {
    const { tf } = await loadTf();
    const before = tf.memory().numTensors;
    await trainDnmf(train, { ...options, epochs: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predicts in [0.5, 5] and falls back to biases for unknown users and movies', () => {
    const knownUser = train.userIds[0];
    const knownMovie = train.movieIds[0];
    const scorer = model.scorer();
    const predicted = model.predict(Int32Array.of(knownUser, -1, -1), Int32Array.of(-1, knownMovie, -1));
    const clip = (x: number) => Math.min(5, Math.max(0.5, x));
    expect(predicted[0]).toBeCloseTo(clip(scorer.baseline(model.users.row(knownUser), -1)), 6);
    expect(predicted[1]).toBeCloseTo(clip(scorer.baseline(-1, model.movies.row(knownMovie))), 6);
    expect(predicted[2]).toBeCloseTo(clip(model.weights.globalMean), 6);
    for (const p of model.predict(test.userIds, test.movieIds)) {
      expect(p).toBeGreaterThanOrEqual(0.5);
      expect(p).toBeLessThanOrEqual(5);
    }
  });

  it('round-trips through serialize/deserialize (JSON meta, copied buffers) with identical predictions', () => {
    const s = model.serialize();
    const meta = JSON.parse(JSON.stringify(s.meta)) as typeof s.meta;
    const buffers = Object.fromEntries(Object.entries(s.buffers).map(([k, v]) => [k, v.slice()]));
    const restored = DnmfModel.deserialize({ meta, buffers });
    expect(restored.predict(test.userIds, test.movieIds)).toEqual(model.predict(test.userIds, test.movieIds));
    expect(() =>
      DnmfModel.deserialize({ meta, buffers: { ...buffers, userGmf: new Float32Array(3) } }),
    ).toThrow(/userGmf/);
  });

  it('evaluateSplit reports the DNMF and both baselines', async () => {
    const result = await evaluateSplit(train, test, options);
    expect(result.n).toBe(test.ratings.length);
    expect(result.rmse).toBeCloseTo(rmse(model.predict(test.userIds, test.movieIds), test.ratings), 10);
    expect(result.baselines.globalMean.rmse).toBeGreaterThan(result.baselines.bias.rmse);
    expect(result.mae).toBeLessThan(result.rmse);
    expect(result.bestEpoch).toBe(report.bestEpoch);
  });
});

describe('early stopping', () => {
  // Pure noise: nothing generalises, so a large, unregularised model overfits within a few epochs.
  const random = createRandom(9);
  const noise: Rating[] = [];
  for (let u = 0; u < 40; u++) {
    for (let m = 0; m < 40; m++) {
      if (random() < 0.6)
        noise.push({ userId: u + 1, movieId: m + 1, rating: 0.5 + Math.floor(random() * 10) / 2 });
    }
  }
  const overfitting: Partial<DnmfOptions> = {
    epochs: 60,
    patience: 3,
    learningRate: 0.02,
    batchSize: 64,
    l2EmbeddingPerRating: 0,
    l2EmbeddingPerRow: 0,
    l2MlpEmbeddingPerRow: 0,
    l2Dense: 0,
    initScale: 0.3,
    // Every improvement resets patience, so the run ends exactly `patience` epochs after the best one.
    minImprovement: 0,
    seed: 3,
  };

  it('stops after `patience` epochs without improvement and restores the best weights', async () => {
    const { model: stopped, report: r } = await trainDnmf(table(noise), overfitting);
    expect(r.epochs).toBeLessThan(60);
    expect(r.epochs).toBe(r.bestEpoch + 3);
    expect(r.history[r.epochs - 1].validationRmse).toBeGreaterThan(r.validationRmse);

    // Training exactly bestEpoch epochs replays the same trajectory (same seed) and keeps its last
    // epoch, so the early-stopped model must be that one, not the one from the last epoch run.
    const { model: replay } = await trainDnmf(table(noise), { ...overfitting, epochs: r.bestEpoch });
    const all = table(noise);
    expect(stopped.predict(all.userIds, all.movieIds)).toEqual(replay.predict(all.userIds, all.movieIds));
  });

  it('runs every epoch when there is no validation slice', async () => {
    const { report: r } = await trainDnmf(table(noise.slice(0, 200)), {
      ...overfitting,
      epochs: 3,
      validationFraction: 0,
    });
    expect(r.epochs).toBe(3);
    expect(r.bestEpoch).toBe(3);
    expect(r.validationRmse).toBeNaN();
  });
});
